// Issue 18: keyboard shortcuts of the console. j/k (or Alt+↓/↑) next/previous item of the list,
// t take, e resolve the open ticket, / canned replies in the composer, ? this list.
// Letters act only when no text field has the focus.
export const SHORTCUTS = {
  "zh-CN": [
    ["j / Alt+↓", "下一个会话或工单"],
    ["k / Alt+↑", "上一个会话或工单"],
    ["t", "接入"],
    ["e", "解决工单"],
    ["/", "快捷回复"],
    ["?", "快捷键"],
  ],
  en: [
    ["j / Alt+↓", "next conversation or ticket"],
    ["k / Alt+↑", "previous conversation or ticket"],
    ["t", "take"],
    ["e", "resolve the ticket"],
    ["/", "canned replies"],
    ["?", "shortcuts"],
  ],
};

const typing = (el) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/** Wires the shortcuts; `actions` are callbacks: move(±1), take(), resolve(), canned(), help(). */
export function installShortcuts(actions) {
  addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey) return;
    if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      return actions.move(e.key === "ArrowDown" ? 1 : -1);
    }
    if (e.altKey || typing(document.activeElement) || document.querySelector("dialog[open]")) return;
    const act = {
      j: () => actions.move(1),
      k: () => actions.move(-1),
      t: actions.take,
      e: actions.resolve,
      "/": actions.canned,
      "?": actions.help,
    }[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  });
}
