// The installed app on the page side (issue 18): registers the service worker, reloads once
// when a new deploy's worker takes over (so no page mixes versions), and, when the person has
// switched them on, passes on break, water and check-in reminders as notifications.

const REMIND_MS = 60_000;
const KEY = "knotless-reminders";

async function register() {
  if (!("serviceWorker" in navigator)) return null;
  // The site's policy asks for Trusted Types: a script URL must come through a policy.
  let url = "/sw.js";
  if (window.trustedTypes) {
    const tt = window.trustedTypes.createPolicy("knotless-sw", {
      createScriptURL: (u) => (u === "/sw.js" ? u : ""),
    });
    url = tt.createScriptURL(url);
  }
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloaded = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // A new version took over: show this page from it, once. The first install needs none.
    if (!hadController || reloaded) return;
    reloaded = true;
    window.location.reload();
  });
  try {
    return await navigator.serviceWorker.register(url, { scope: "/", updateViaCache: "none" });
  } catch (error) {
    console.warn("knotless: service worker not registered", error);
    return null;
  }
}

// --- reminders -------------------------------------------------------------------------------

const said = {}; // what was already shown, so one state reminds once

function today() {
  return new Date().toDateString();
}

async function notify(title, body, url, tag) {
  const reg = await navigator.serviceWorker?.getRegistration();
  const options = { body, tag, data: { url }, icon: "/static/knotless/icons/icon-192.png" };
  if (reg) await reg.showNotification(title, options);
  else new Notification(title, options).onclick = () => window.focus();
}

async function remind() {
  if (localStorage.getItem(KEY) !== "on" || Notification.permission !== "granted") return;
  if (!navigator.onLine) return;
  let status;
  try {
    const response = await fetch("/pwa/reminders.json", { credentials: "same-origin" });
    if (!response.ok || response.redirected) return;
    status = await response.json();
  } catch {
    return;
  }
  const titles = { micro: "Micro-break", movement: "Movement break", limit: "Daily limit reached" };
  if (status.break && said.break !== status.break) {
    await notify(titles[status.break], "Time for a break: open the desk page to start, postpone or skip it.", status.break_url, "knotless-break");
  }
  said.break = status.break;
  const hour = new Date().getHours();
  if (status.water_behind && (said.water ?? -1) !== hour) {
    await notify("A glass of water", "You are behind today's water pace: take a few sips.", status.water_url, "knotless-water");
    said.water = hour; // at most once an hour while behind
  }
  if (status.checkin.length && localStorage.getItem(`${KEY}-checkin`) !== today()) {
    await notify("How are your knots?", `No rating yet today for: ${status.checkin.join(", ")}.`, status.checkin_url, "knotless-checkin");
    localStorage.setItem(`${KEY}-checkin`, today()); // once a day
  }
}

function setupToggle() {
  const box = document.getElementById("reminders");
  if (!box || !("Notification" in window)) return;
  const button = document.getElementById("reminders-toggle");
  const state = document.getElementById("reminders-state");
  const show = () => {
    const on = localStorage.getItem(KEY) === "on" && Notification.permission === "granted";
    button.textContent = on ? "Turn reminders off" : "Turn reminders on";
    state.textContent =
      Notification.permission === "denied"
        ? "Notifications are blocked for this site in the browser's settings."
        : on
          ? "On: this device reminds while knotless is open or installed."
          : "Off on this device.";
  };
  box.hidden = false;
  button.addEventListener("click", async () => {
    if (localStorage.getItem(KEY) === "on") {
      localStorage.removeItem(KEY);
    } else if ((await Notification.requestPermission()) === "granted") {
      // Asked only here, on a click: never when a page opens.
      localStorage.setItem(KEY, "on");
      remind();
    }
    show();
  });
  show();
}

register();
setupToggle();
if ("Notification" in window) {
  setInterval(() => {
    if (document.visibilityState === "visible") remind();
  }, REMIND_MS);
  remind();
}
