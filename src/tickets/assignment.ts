/** An agent who could take a new ticket of a group. */
export interface AssignmentCandidate {
  id: string;
  openTickets: number;
  maxOpenTickets: number;
  lastAssignedAt: Date | null;
}

/**
 * Auto-assignment (issue 7): the online agent of the ticket's group with the fewest open
 * tickets, under their personal cap; ties go to whoever waited longest since their last
 * assignment (round-robin). Nobody eligible → undefined (the ticket waits in the group queue,
 * where anyone can still take it by hand).
 */
export function pickAssignee(candidates: readonly AssignmentCandidate[]): AssignmentCandidate | undefined {
  return candidates
    .filter((c) => c.openTickets < c.maxOpenTickets)
    .sort(
      (a, b) =>
        a.openTickets - b.openTickets ||
        (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) ||
        a.id.localeCompare(b.id),
    )[0];
}
