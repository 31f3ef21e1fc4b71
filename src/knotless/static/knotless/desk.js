// Desk mode: tick the server's break policy every 15 s with this device's idle time, and
// show the one offer it makes. Without the Idle Detection API the page cannot see activity
// in other windows, so it says so and counts wall-clock time while it is open.

const TICK_MS = 15_000;
const root = document.getElementById("desk");
const $ = (id) => document.getElementById(id);
const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";
let idleSince = null; // from the Idle Detection API, when granted
let lastOffer = null;

async function post(url, data) {
  const body = new URLSearchParams(data);
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrf },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

function minutes(seconds) {
  return seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

function show(status) {
  if (status.agent) {
    $("desk-source").textContent =
      "The desk agent is running on this computer: it does the reminding, and this page shows its numbers.";
    $("desk-idle").hidden = true;
    status = { ...status, offer: null }; // the agent's notification is the one reminder
  }
  $("desk-micro").textContent = minutes(status.micro_in);
  $("desk-movement").textContent = minutes(status.movement_in);
  $("desk-hours").hidden = status.working;
  const offer = $("desk-offer");
  root.dataset.state = status.offer ? "offer" : "watching";
  offer.hidden = !status.offer;
  if (status.offer) {
    const [title, text] = {
      micro: ["Time for a micro-break", `${status.length} seconds: drop your shoulders, look into the distance, breathe out.`],
      movement: ["Time for a movement break", `Get up for ${Math.round(status.length / 60)} minutes: walk for a minute first (refill your glass).`],
      limit: ["Daily limit reached", `${status.daily_limit_hours} active hours at the computer today: time to stop, or at least to get up and move.`],
    }[status.offer];
    $("desk-offer-title").textContent = title;
    $("desk-offer-text").textContent = text;
    if (status.turns) lastTurns = status.turns;
    const routine = routineText(status);
    $("desk-routine").textContent = routine;
    $("desk-routine").hidden = !routine;
    $("desk-sip").hidden = !status.sip;
    $("desk-postpone").disabled = !status.can_postpone;
    if (lastOffer !== status.offer) notify(status);
  }
  lastOffer = status.offer;
}

function routineText(status) {
  const moving = status.offer === "movement";
  const routine = (moving ? status.movement : status.routine) || [];
  if (!routine.length || status.offer === "limit") return "";
  const names = routine.slice(0, 3).join(", ") + (routine.length > 3 ? " and more" : "");
  const knots = status.knots || [];
  const aim = knots.length
    ? ` for your ${knots.join(" and ").toLowerCase()} knot${knots.length > 1 ? "s" : ""}`
    : "";
  const minutes = moving ? status.movement_minutes : status.minutes;
  return moving
    ? `Then, standing, ${minutes} minutes${aim}: ${names}.`
    : `At your desk, ${minutes} minute${minutes === 1 ? "" : "s"}${aim}: ${names}.`;
}

function notify(status) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const extra = [routineText(status), status.sip ? "You're behind on water: take a sip." : ""];
  const titles = { micro: "Micro-break", movement: "Movement break", limit: "Daily limit reached" };
  const note = new Notification(titles[status.offer], {
    body: ["A short break now. Tap to start it, postpone or skip.", ...extra].filter(Boolean).join(" "),
    tag: "knotless-break", // one reminder, never two
  });
  note.onclick = () => window.focus();
}

let ticking = false; // one request at a time: a slow server is not piled on
async function tick() {
  if (ticking) return;
  ticking = true;
  let idle = 0;
  if (idleSince !== null) idle = (Date.now() - idleSince) / 1000;
  try {
    show(await post("/desk/tick/", { idle: String(Math.round(idle)) }));
  } catch {
    /* offline for a moment: the next tick catches up */
  } finally {
    ticking = false;
  }
}

let lastTurns = {}; // which of the day's moves the offer named, so the break plays those

async function act(action) {
  const kind = lastOffer || "micro"; // seated moves for a micro-break, standing for a movement break
  const turn = lastTurns[kind];
  show(await post("/desk/action/", { action }));
  if (action === "take") {
    const url = JSON.parse($("desk-status").textContent).break_url;
    const query = new URLSearchParams({ kind });
    if (turn !== undefined) query.set("turn", String(turn));
    window.location.href = `${url}?${query}`;
  }
}

$("desk-take").addEventListener("click", () => act("take"));
$("desk-postpone").addEventListener("click", () => act("postpone"));
$("desk-skip").addEventListener("click", () => act("skip"));

if ("Notification" in window && Notification.permission === "default") {
  const button = $("desk-notify");
  button.hidden = false;
  button.addEventListener("click", async () => {
    await Notification.requestPermission();
    button.hidden = true;
  });
}

async function watchIdle() {
  const detector = new window.IdleDetector();
  detector.addEventListener("change", () => {
    idleSince = detector.userState === "idle" ? Date.now() - 60_000 : null;
  });
  await detector.start({ threshold: 60_000 });
  $("desk-source").textContent = "Counting active time from your computer's idle state.";
  $("desk-idle").hidden = true;
}

if ("IdleDetector" in window) {
  const button = $("desk-idle");
  button.hidden = false;
  button.addEventListener("click", async () => {
    if ((await window.IdleDetector.requestPermission()) === "granted") await watchIdle();
  });
}

show(JSON.parse($("desk-status").textContent));
setInterval(tick, TICK_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") tick();
});
