// Quick entries that survive a lost connection: check-ins, drinks, sets, player sessions.
//
// A form marked data-queue gets a client_id (crypto.randomUUID) the server stores once. On
// submit the entry is first kept in IndexedDB (sw-queue.js), then sent; the answer decides:
// stored -> go where the form would have gone; refused now -> the form is submitted the plain
// way so the server's page shows what to change; no answer -> it waits, shown at the top of the
// page, and goes on load, when the connection returns, and by Background Sync where the browser
// has it. Entries refused later (a knot deleted elsewhere) stay with the server's words and a
// Discard button. Without JavaScript the forms post as they always did.
const queue = globalThis.knotlessQueue;
const SENT_NOTE = "knotless-queue-sent";

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Not a secure context (plain http on a LAN address): the same version 4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function idInput(form) {
  let input = form.querySelector("input[name=client_id]");
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = "client_id";
    form.append(input);
  }
  return input;
}

function freshToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value;
}

// What the waiting list says about an entry: the form's label and what was chosen.
function describe(form, data, submitter) {
  const parts = [form.dataset.queueLabel || "Entry"];
  if (submitter?.dataset.queueWhat) parts.push(submitter.dataset.queueWhat);
  else {
    const pain = data.get("pain");
    if (pain) parts.push(`pain ${pain}/10`);
    const amount = data.get("amount");
    if (amount) parts.push(`${amount}${/^[\d.]+$/.test(amount) ? " ml" : ""}`);
    const exercise = data.get("exercise");
    if (exercise) parts.push(`${exercise} ${data.get("sets") || ""}`.trim());
  }
  return parts.join(": ");
}

// --- the waiting list -------------------------------------------------------------------

let panel;
function ensurePanel() {
  if (panel) return panel;
  panel = document.createElement("section");
  panel.className = "queue card stack";
  panel.id = "queue";
  panel.setAttribute("aria-labelledby", "queue-title");
  panel.hidden = true;
  const title = document.createElement("p");
  title.className = "queue-title";
  title.id = "queue-title";
  title.setAttribute("role", "status");
  const list = document.createElement("ul");
  list.className = "queue-list";
  const sent = document.createElement("ul");
  sent.className = "queue-sent";
  sent.setAttribute("aria-live", "polite");
  const update = document.createElement("button");
  update.type = "button";
  update.className = "button--quiet queue-update";
  update.textContent = "Show them on the page";
  update.hidden = true;
  update.addEventListener("click", () => {
    sessionStorage.setItem(SENT_NOTE, JSON.stringify(sentNow));
    window.location.reload();
  });
  panel.append(title, list, sent, update);
  const main = document.querySelector("main") || document.body;
  const after = main.querySelector(".messages");
  if (after) after.after(panel);
  else main.prepend(panel);
  panel.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-discard]");
    if (!button) return;
    await queue.remove(button.dataset.discard);
    render();
  });
  return panel;
}

function countEntries(n) {
  return n === 1 ? "1 entry" : `${n} entries`;
}

function itemFor(entry) {
  const li = document.createElement("li");
  li.className = entry.state === "conflict" ? "queue-item queue-item--conflict" : "queue-item";
  const what = document.createElement("span");
  what.className = "queue-what";
  what.textContent = entry.label;
  const when = document.createElement("span");
  when.className = "small muted";
  when.textContent = ` · kept ${new Date(entry.queuedAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
  li.append(what, when);
  if (entry.message) {
    const why = document.createElement("p");
    why.className = entry.state === "conflict" ? "small queue-why" : "small muted";
    why.textContent = entry.state === "conflict" ? `Not stored: ${entry.message}` : entry.message;
    li.append(why);
  }
  if (entry.state === "conflict") {
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button--quiet";
    discard.dataset.discard = entry.id;
    discard.textContent = "Discard";
    discard.setAttribute("aria-label", `Discard ${entry.label}`);
    li.append(discard);
  }
  return li;
}

const sentNow = [];
let sentFromHere = false;
async function render() {
  const box = ensurePanel();
  const entries = await queue.all();
  const waiting = entries.filter((e) => e.state === "waiting");
  const refused = entries.filter((e) => e.state === "conflict");
  const title = box.querySelector(".queue-title");
  const words = [];
  if (waiting.length) words.push(`${countEntries(waiting.length)} waiting to be sent`);
  if (refused.length) words.push(`${countEntries(refused.length)} not stored`);
  if (!words.length && sentNow.length) words.push(sentNow.length === 1 ? "Sent:" : "All sent:");
  else if (sentNow.length) words.push(`${sentNow.length} sent:`);
  title.textContent = words.join(" · ");
  if (waiting.length && !navigator.onLine) title.textContent += " (offline: sent when the connection returns)";
  box.querySelector(".queue-list").replaceChildren(...entries.map(itemFor));
  box.querySelector(".queue-sent").replaceChildren(
    ...sentNow.map((text) => {
      const li = document.createElement("li");
      li.className = "queue-sent-item";
      li.textContent = text;
      return li;
    }),
  );
  box.hidden = !entries.length && !sentNow.length;
  // Sent from this page in the background: the page still shows the data from before.
  box.querySelector(".queue-update").hidden = !sentFromHere;
  box.classList.toggle("queue--waiting", waiting.length > 0);
}

// --- sending ----------------------------------------------------------------------------

async function askForSync() {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    await reg?.sync?.register("knotless-queue");
  } catch {
    // No service worker or no Background Sync: the next load or "online" sends it.
  }
}

async function flush(now) {
  if (!freshToken()) return {}; // signed out: nothing can be sent from here
  const results = await queue.flush({ token: freshToken(), now: typeof now === "string" ? now : null });
  if (Object.values(results).some((r) => r.outcome === "offline")) askForSync();
  await render();
  return results;
}

function postPlain(entry) {
  const plain = document.createElement("form");
  plain.method = "post";
  plain.action = entry.url;
  plain.hidden = true;
  for (const [name, value] of entry.fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    plain.append(input);
  }
  document.body.append(plain);
  HTMLFormElement.prototype.submit.call(plain);
}

async function submitted(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !("queue" in form.dataset)) return;
  if (event.defaultPrevented) return;
  event.preventDefault();
  const submitter = event.submitter;
  const data = new FormData(form, submitter);
  const id = idInput(form).value || newId();
  data.set("client_id", id);
  const entry = {
    id,
    url: form.action,
    fields: [...data.entries()].filter(([, v]) => typeof v === "string"),
    label: describe(form, data, submitter),
    queuedAt: Date.now(),
    state: "waiting",
  };
  idInput(form).value = newId(); // the next entry from this form is a new one
  form.classList.add("queue-busy");
  try {
    await queue.put(entry);
    const results = await flush(id);
    const mine = results[id] || { outcome: (await queue.get(id)) ? "offline" : "sent" };
    if (mine.outcome === "sent") {
      // The server's message is waiting on the page it sends us to.
      if (!mine.next) sessionStorage.setItem(SENT_NOTE, JSON.stringify([mine.message || entry.label]));
      window.location.assign(mine.next || window.location.href);
      return;
    }
    if (mine.outcome === "conflict" || mine.outcome === "signin") {
      // Refused right now: the plain form shows the server's page with what to change.
      await queue.remove(id);
      postPlain(entry);
      return;
    }
    form.reset?.();
    form.closest("details")?.removeAttribute("open"); // a quick check-in folds away, kept
  } catch {
    // No IndexedDB here (a private window may refuse it): send it the plain way.
    postPlain(entry);
  } finally {
    form.classList.remove("queue-busy");
  }
}

if (queue) {
  for (const form of document.querySelectorAll("form[data-queue]")) idInput(form).value = newId();
  document.addEventListener("submit", submitted);
  try {
    const note = JSON.parse(sessionStorage.getItem(SENT_NOTE) || "[]");
    sessionStorage.removeItem(SENT_NOTE);
    sentNow.push(...note);
  } catch {
    sessionStorage.removeItem(SENT_NOTE);
  }
  if (typeof BroadcastChannel !== "undefined") {
    new BroadcastChannel("knotless-queue").addEventListener("message", (event) => {
      if (event.data?.type === "sent" && event.data.message) {
        sentNow.push(event.data.message);
        sentFromHere = true;
      }
      render();
    });
  }
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", render);
  flush().catch(render);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush().catch(render);
  });
}
