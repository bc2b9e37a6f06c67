// Issue 18: what gets an agent's attention while they look elsewhere: an unread count per
// conversation (kept for the tab's session), a short chime and a desktop notification for a new
// handoff or a customer's message in one of my chats. Notification permission is asked once, at
// the agent's first click or key press (browsers ignore a request without a gesture).
import { locale } from "/static/shared/staff.js";

const UNREAD_KEY = "kd-console-unread";
const ASKED_KEY = "kd-console-notify-asked";

/** conversationId → unread messages. */
export const unread = new Map(Object.entries(JSON.parse(sessionStorage.getItem(UNREAD_KEY) ?? "{}")));

function saveUnread() {
  sessionStorage.setItem(UNREAD_KEY, JSON.stringify(Object.fromEntries(unread)));
}

export function addUnread(conversationId) {
  unread.set(conversationId, (unread.get(conversationId) ?? 0) + 1);
  saveUnread();
}

export function clearUnread(conversationId) {
  if (unread.delete(conversationId)) saveUnread();
}

/** Asks for notification permission at the first gesture, once per browser (not per login). */
export function askPermissionOnce() {
  const ask = () => {
    removeEventListener("pointerdown", ask, true);
    removeEventListener("keydown", ask, true);
    if (!("Notification" in window) || Notification.permission !== "default") return;
    if (localStorage.getItem(ASKED_KEY)) return;
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
    Notification.requestPermission().catch(() => {});
  };
  addEventListener("pointerdown", ask, true);
  addEventListener("keydown", ask, true);
}

let audio;
/** A short two-tone chime (Web Audio: no sound file to serve). */
function chime() {
  try {
    audio ??= new AudioContext();
    const at = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.12, at + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.001, at + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(at + i * 0.12);
      osc.stop(at + i * 0.12 + 0.25);
    }
  } catch {
    // No audio device: the notification and the marker remain.
  }
}

/** Chime and, when permitted, a desktop notification; a click brings the console forward. */
export function alertAgent({ title, body, tag, onClick }) {
  chime();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const n = new Notification(title, { body, tag, lang: locale });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the chime is enough.
  }
}
