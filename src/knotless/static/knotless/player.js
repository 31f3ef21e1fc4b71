// The web player. It follows the script computed in Python (the same one `knotless play` uses)
// and keeps time by the wall clock, so a tab that was hidden or throttled catches up to where
// the routine really is when it comes back. Sound, voice and the screen wake lock are extras:
// the player works without any of them.
//
// Reps go at the person's pace: a set's time is a guide at the exercise's tempo. "Done" (or
// Enter) ends the set whenever it is finished; when the guide runs out the player waits the
// step's grace period for Done and then moves on by itself, so someone on the floor who cannot
// reach the screen is never stuck. Either way the set counts in full.

const STATE_LABELS = {
  "get-ready": "Get ready",
  hold: "Hold",
  reps: "Reps",
  "switch-side": "Switch sides",
  rest: "Rest",
  next: "Next up",
};

const root = document.getElementById("player");
const script = JSON.parse(document.getElementById("player-script").textContent);
const steps = script.steps;
const figures = Object.fromEntries(script.exercises.map((e) => [e.slug, e.figure]));
const cues = Object.fromEntries(script.exercises.map((e) => [e.slug, e.cues]));
const $ = (id) => document.getElementById(id);
const ui = {
  figure: $("player-figure"),
  state: $("player-state"),
  name: $("player-name"),
  why: $("player-why"),
  done: $("player-done"),
  timer: $("player-timer"),
  detail: $("player-detail"),
  stepBar: $("player-step-bar"),
  live: $("player-live"),
  start: $("player-start"),
  pause: $("player-pause"),
  skip: $("player-skip"),
  stop: $("player-stop"),
  sound: $("player-sound"),
  voice: $("player-voice"),
  total: $("player-total"),
  totalBar: $("player-total-bar"),
  elapsed: $("player-elapsed"),
  finish: $("player-finish"),
  finishTitle: $("finish-title"),
  played: $("finish-played"),
  stopped: $("finish-stopped"),
  reached: $("finish-reached"),
  notReached: $("not-reached"),
};
const saveKey = `knotless-player-${root.dataset.session}`;

let index = 0; // current step
let stepStart = 0; // wall-clock ms when the current step began (moved forward by pauses)
let pausedAt = null; // ms when paused, or null
let running = false;
let done = false;
let playedBefore = 0; // seconds spent on steps already left
let lastSecond = null; // last whole second announced, for countdown ticks
let lastRep = 0;
let cueSaid = false;
let timer = null;
let reached = 0; // exercises (from the first) whose first hold or set was begun
let setsDone = {}; // exercise index -> {side: sets finished}
let waitSaid = false; // "take your time" said for this step

const now = () => Date.now();
const fmt = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

// --- sound and voice --------------------------------------------------------------------------
let audio = null;
function beep(freq = 880, ms = 120, when = 0) {
  if (!ui.sound.checked) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const t = audio.currentTime + when;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + ms / 1000);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + ms / 1000 + 0.05);
  } catch {
    /* no audio here: the screen still shows everything */
  }
}
function say(text) {
  ui.live.textContent = text;
  if (!ui.voice.checked || !("speechSynthesis" in window)) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.rate = 1.05;
  window.speechSynthesis.speak(utterance);
}
for (const box of [ui.sound, ui.voice]) {
  const key = `knotless-${box.id}`;
  if (localStorage.getItem(key) === "off") box.checked = false;
  box.addEventListener("change", () => {
    localStorage.setItem(key, box.checked ? "on" : "off");
    if (!box.checked && box === ui.voice && "speechSynthesis" in window) window.speechSynthesis.cancel();
  });
}

// --- screen wake lock -------------------------------------------------------------------------
let wakeLock = null;
async function keepAwake(on) {
  if (!("wakeLock" in navigator)) return;
  try {
    if (on && !wakeLock) {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => (wakeLock = null));
    } else if (!on && wakeLock) {
      await wakeLock.release();
      wakeLock = null;
    }
  } catch {
    wakeLock = null; /* refused (battery saver, not visible): fine */
  }
}

// --- the clock ---------------------------------------------------------------------------------
function elapsedInStep() {
  if (!running && pausedAt === null) return 0; // not started yet
  return ((pausedAt ?? now()) - stepStart) / 1000;
}
function playedSeconds() {
  return Math.round(playedBefore + (done ? 0 : Math.min(elapsedInStep(), steps[index]?.seconds ?? 0)));
}
function announce(step) {
  const label = STATE_LABELS[step.state] || step.state;
  // Before an exercise whose sides follow a knot, say which side and why (the why's first part).
  if (step.state === "get-ready" && step.why) say(`${step.text}. ${step.why.split(":")[0]}.`);
  else if (step.state === "get-ready" || step.state === "next") say(step.text);
  else if (step.state === "switch-side" || step.state === "rest") say(step.text);
  else say(`${label}. ${step.side ? step.side + " side. " : ""}${step.state === "reps" ? step.reps + " reps, at your pace" : step.seconds + " seconds"}`);
  beep(step.state === "hold" || step.state === "reps" ? 1046 : 660, 220);
}
function enter(i, { silent = false } = {}) {
  index = i;
  lastSecond = null;
  lastRep = 0;
  cueSaid = false;
  waitSaid = false;
  const step = steps[index];
  ui.figure.src = figures[step.slug] || ui.figure.src;
  root.dataset.state = step.state;
  root.dataset.index = String(index);
  if (step.state === "hold" || step.state === "reps") reached = Math.max(reached, step.item + 1);
  ui.why.textContent = step.state === "next" ? "" : step.why || "";
  ui.why.hidden = !ui.why.textContent;
  showDone();
  if (!silent) announce(step);
}
function showDone() {
  ui.done.hidden = done || steps[index]?.state !== "reps" || (!running && pausedAt === null);
}
function countSet(step) {
  const sides = (setsDone[step.item] = setsDone[step.item] || {});
  sides[step.side] = (sides[step.side] || 0) + 1;
}
// The answers the player can give for the person: which exercises were reached, and how many
// sets of each rep exercise were finished (they can correct it before saving).
function fillAnswers(stoppedAt, prefill) {
  ui.reached.value = String(stoppedAt);
  for (const row of ui.finish.querySelectorAll(".verdict-row")) {
    const off = Number(row.dataset.position) >= stoppedAt;
    row.hidden = off;
    row.disabled = off;
  }
  ui.notReached.hidden = stoppedAt >= script.exercises.length;
  if (!prefill) return;
  for (const [item, sides] of Object.entries(setsDone)) {
    const box = document.getElementById(`sets-done-${item}`);
    if (box) box.value = String(Math.max(...Object.values(sides)));
  }
  for (let item = 0; item < stoppedAt; item += 1) {
    const box = document.getElementById(`sets-done-${item}`);
    if (box && !setsDone[item]) box.value = "0";
  }
}
function leave(spent) {
  playedBefore += spent;
}
function finish(stopped) {
  if (done) return;
  const spent = Math.min(elapsedInStep(), steps[index]?.seconds ?? 0);
  leave(stopped ? spent : 0);
  if (!stopped) reached = script.exercises.length;
  done = true;
  running = false;
  clearInterval(timer);
  keepAwake(false);
  root.dataset.state = stopped ? "stopped" : "done";
  ui.state.textContent = stopped ? "Stopped" : "Done";
  ui.name.textContent = stopped ? "Stopped early" : "Well done";
  ui.timer.textContent = fmt(playedBefore);
  ui.detail.textContent = "Rate how it went below.";
  ui.stepBar.style.width = "100%";
  for (const b of [ui.pause, ui.skip, ui.stop, ui.done]) b.hidden = true;
  ui.start.hidden = true;
  ui.why.hidden = true;
  ui.played.value = String(Math.round(playedBefore));
  ui.stopped.value = stopped ? "1" : "0";
  fillAnswers(reached, true);
  ui.finishTitle.textContent = stopped ? "Stopped early: how did it go?" : "Done! How did it go?";
  ui.finish.hidden = false;
  // Kept until the session is saved, so a reload shows this form again, not step one.
  sessionStorage.setItem(
    saveKey,
    JSON.stringify({ done: true, stopped, played: Math.round(playedBefore), reached, setsDone }),
  );
  say(stopped ? "Stopped." : "All done. Well done.");
  beep(784, 160);
  beep(1046, 260, 0.18);
  ui.finish.scrollIntoView({ behavior: "smooth", block: "start" });
  // The heading, not a rating: leftover key presses must not answer for the user.
  ui.finishTitle.focus({ preventScroll: true });
}
function showFinished(stopped, played, stoppedAt, prefill) {
  done = true;
  running = false;
  playedBefore = played;
  root.dataset.state = stopped ? "stopped" : "done";
  ui.state.textContent = stopped ? "Stopped" : "Done";
  ui.name.textContent = stopped ? "Stopped early" : "Well done";
  ui.timer.textContent = fmt(played);
  ui.detail.textContent = "Rate how it went below.";
  for (const b of [ui.start, ui.pause, ui.skip, ui.stop, ui.done]) b.hidden = true;
  ui.why.hidden = true;
  ui.played.value = String(played);
  ui.stopped.value = stopped ? "1" : "0";
  fillAnswers(stoppedAt, prefill);
  ui.finish.hidden = false;
}
function update() {
  if (done) return;
  if (running) {
    // Catch up: a hidden tab may have slept through several steps. Only the step we land on
    // is announced.
    let moved = false;
    while (index < steps.length && elapsedInStep() >= steps[index].seconds + (steps[index].grace || 0)) {
      // A set of reps that ran past its guide and grace counts as done, in full.
      stepStart += (steps[index].seconds + (steps[index].grace || 0)) * 1000;
      leave(steps[index].seconds);
      if (steps[index].state === "reps") countSet(steps[index]);
      if (index + 1 >= steps.length) {
        index += 1;
        finish(false);
        return;
      }
      enter(index + 1, { silent: true });
      moved = true;
    }
    if (moved) announce(steps[index]);
  }
  draw();
}
function draw() {
  const step = steps[index];
  const elapsed = Math.max(0, elapsedInStep());
  const left = Math.max(0, step.seconds - elapsed);
  const waiting = step.state === "reps" && elapsed >= step.seconds; // past the guide: grace
  ui.state.textContent = (running ? "" : "Paused · ") + (STATE_LABELS[step.state] || step.state);
  if (!running && pausedAt === null) ui.state.textContent = "Ready";
  ui.name.textContent = step.name + (step.side ? ` · ${step.side} side` : "");
  ui.timer.textContent = fmt(Math.ceil(waiting ? step.seconds + (step.grace || 0) - elapsed : left));
  let detail = step.text;
  if (step.state === "reps" && step.reps) {
    const rep = Math.min(step.reps, Math.floor((elapsed / step.seconds) * step.reps) + 1);
    detail = `Rep ${rep} of ${step.reps}` + (step.sets > 1 ? ` · set ${step.set} of ${step.sets}` : "");
    if (running && rep !== lastRep) {
      if (lastRep) say(String(rep));
      lastRep = rep;
    }
    if (waiting) {
      detail = `Take your time: tap Done when the set is finished (moves on by itself in ${fmt(Math.ceil(step.seconds + step.grace - elapsed))})`;
      if (running && !waitSaid) {
        waitSaid = true;
        say("Take your time. Tap done when the set is finished.");
      }
    }
  } else if (step.state === "hold" && step.sets > 1) {
    detail = `Set ${step.set} of ${step.sets}`;
  }
  // Halfway through a long hold, one of the exercise's short cues ("Shoulders down").
  const pool = cues[step.slug] || [];
  if (running && step.state === "hold" && step.seconds >= 20 && !cueSaid && elapsed >= step.seconds / 2 && pool.length) {
    cueSaid = true;
    const cue = pool[(step.set + (step.side === "right" ? 1 : 0)) % pool.length];
    say(cue);
    ui.detail.textContent = `${detail} · ${cue}`;
  }
  if (!cueSaid || step.state !== "hold") ui.detail.textContent = detail;
  ui.stepBar.style.width = `${Math.min(100, (elapsed / step.seconds) * 100)}%`;
  const played = playedSeconds();
  ui.total.setAttribute("aria-valuenow", String(played));
  ui.totalBar.style.width = `${Math.min(100, (played / script.total) * 100)}%`;
  ui.elapsed.textContent = fmt(played);
  // Count the last three seconds of every step (of a set's grace, not of its guide).
  const whole = Math.ceil(step.state === "reps" ? step.seconds + (step.grace || 0) - elapsed : left);
  if (running && whole !== lastSecond && whole <= 3 && whole > 0 && document.visibilityState === "visible") beep(520, 80);
  lastSecond = whole;
  if (running) remember();
}
function remember() {
  if (done) return;
  sessionStorage.setItem(
    saveKey,
    JSON.stringify({ index, into: Math.max(0, elapsedInStep()), playedBefore, reached, setsDone }),
  );
}

// --- controls ----------------------------------------------------------------------------------
function start() {
  if (done) return;
  if (pausedAt !== null) {
    stepStart += now() - pausedAt;
    pausedAt = null;
  } else {
    stepStart = now();
    enter(index);
  }
  running = true;
  ui.start.hidden = true;
  ui.pause.hidden = false;
  ui.skip.hidden = false;
  ui.stop.hidden = false;
  ui.pause.textContent = "❚❚ Pause";
  showDone();
  clearInterval(timer);
  timer = setInterval(update, 200);
  keepAwake(true);
  update();
  if (document.activeElement === ui.start || document.activeElement === document.body) ui.pause.focus();
}
function pause() {
  if (!running) return;
  running = false;
  pausedAt = now();
  ui.pause.textContent = "▶ Resume";
  keepAwake(false);
  say("Paused");
  draw();
  remember();
}
function togglePause() {
  if (done) return;
  if (running) pause();
  else start();
}
function skip({ finished = false } = {}) {
  if (done || (!running && pausedAt === null)) return;
  const step = steps[index];
  // A set ended with Done counts in full, however quick; a skipped one only for its time.
  const spent = finished ? step.seconds : Math.min(elapsedInStep(), step.seconds);
  leave(spent);
  if (finished) countSet(step);
  if (index + 1 >= steps.length) {
    index += 1;
    finish(false);
    return;
  }
  stepStart = pausedAt ?? now();
  enter(index + 1);
  draw();
  remember();
}

ui.start.addEventListener("click", start);
ui.pause.addEventListener("click", togglePause);
ui.skip.addEventListener("click", () => skip());
function setDone() {
  if (steps[index]?.state !== "reps") return;
  beep(988, 90);
  skip({ finished: true });
}
ui.done.addEventListener("click", setDone);
ui.stop.addEventListener("click", () => finish(true));
document.addEventListener("keydown", (event) => {
  if (done || event.repeat || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  // Enter ends a set of reps wherever the focus is in the player (a focused Pause button must
  // not take it), but never in the form below or on a link.
  if (event.key === "Enter" && steps[index]?.state === "reps" && !ui.done.hidden) {
    if (event.target.closest("input, textarea, select, a, form")) return;
    event.preventDefault();
    setDone();
    return;
  }
  if (event.target.closest("input, textarea, select, button, a") && event.key !== "ArrowRight") return;
  if (event.key === " ") {
    event.preventDefault();
    if (!running && pausedAt === null) start();
    else togglePause();
  } else if (event.key === "ArrowRight") {
    if (event.target.closest("input, textarea, select")) return;
    event.preventDefault();
    skip();
  }
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    update();
    if (running) keepAwake(true);
  }
});

// A reload mid-routine comes back paused where it was; after the end, at the form. A save the
// server refused (data-finishing) comes back at the form as it was filled in.
ui.finish.hidden = true;
const saved = JSON.parse(sessionStorage.getItem(saveKey) || "null");
if (root.dataset.finishing !== undefined) {
  showFinished(root.dataset.finishing === "1", Number(ui.played.value) || 0, Number(ui.reached.value), false);
  ui.finish.scrollIntoView({ block: "start" });
} else if (saved && saved.done) {
  setsDone = saved.setsDone || {};
  showFinished(saved.stopped, saved.played, saved.reached ?? script.exercises.length, true);
} else if (saved && saved.index < steps.length) {
  enter(saved.index, { silent: true });
  playedBefore = saved.playedBefore;
  reached = Math.max(reached, saved.reached || 0);
  setsDone = saved.setsDone || {};
  pausedAt = now();
  stepStart = pausedAt - saved.into * 1000;
  ui.start.textContent = "▶ Resume";
  ui.start.hidden = false;
  ui.stop.hidden = false;
  draw();
  ui.state.textContent = "Paused";
} else {
  enter(0, { silent: true });
  draw();
}
