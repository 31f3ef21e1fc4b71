// The physio's view of a shared pain diary (a SMART Health Link made by knotless).
//
// The key is in the URL fragment, which the browser never sends to a server. This script reads
// it, asks the link's manifest for the encrypted file (a JWE: dir + A256GCM, raw DEFLATE),
// decrypts it here with WebCrypto, inflates it with DecompressionStream and draws the FHIR
// Bundle as a readable report. DOM nodes only, never HTML strings (the CSP asks for that).

const root = document.querySelector("[data-shl-viewer]");
const status = root.querySelector("[data-shl-status]");
const form = root.querySelector("[data-shl-form]");
const report = root.querySelector("[data-shl-report]");
const SVG = "http://www.w3.org/2000/svg";

function say(text) {
  status.textContent = text;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

function unb64url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const raw = atob(b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function readPayload() {
  const hash = decodeURIComponent(location.hash);
  const at = hash.indexOf("shlink:/");
  if (at < 0) return null;
  try {
    return JSON.parse(new TextDecoder().decode(unb64url(hash.slice(at + "shlink:/".length))));
  } catch {
    return null;
  }
}

async function inflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decrypt(compact, keyText) {
  const [head, wrapped, iv, ciphertext, tag] = compact.split(".");
  const header = JSON.parse(new TextDecoder().decode(unb64url(head)));
  if (header.alg !== "dir" || header.enc !== "A256GCM" || wrapped !== "") {
    throw new Error("unsupported encryption");
  }
  const key = await crypto.subtle.importKey("raw", unb64url(keyText), "AES-GCM", false, [
    "decrypt",
  ]);
  const sealed = new Uint8Array([...unb64url(ciphertext), ...unb64url(tag)]);
  const opened = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64url(iv), additionalData: new TextEncoder().encode(head) },
      key,
      sealed,
    ),
  );
  const plain = header.zip === "DEF" ? await inflateRaw(opened) : opened;
  return { header, text: new TextDecoder().decode(plain) };
}

const dateFmt = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const timeFmt = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

function chart(points) {
  // Pain 0-10 over time: a line through the ratings, a dot for each. The table says the same.
  // Drawn at the width it is shown at, so its labels stay readable on a phone.
  const w = Math.round(Math.max(300, Math.min(640, report.clientWidth - 40)));
  const h = Math.round(w * 0.36) + 40, left = 34, right = 12, top = 12, bottom = 30;
  const times = points.map((p) => p.at.getTime());
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t) => left + (t1 === t0 ? (w - left - right) / 2 : ((t - t0) / (t1 - t0)) * (w - left - right));
  const y = (v) => top + (1 - v / 10) * (h - top - bottom);
  const grid = [0, 5, 10].flatMap((v) => [
    svg("line", { x1: left, x2: w - right, y1: y(v), y2: y(v), class: "shl-grid" }),
    svg("text", { x: left - 8, y: y(v) + 4, "text-anchor": "end" }, String(v)),
  ]);
  const line = svg("polyline", {
    points: points.map((p) => `${x(p.at.getTime()).toFixed(1)},${y(p.pain).toFixed(1)}`).join(" "),
    class: "shl-line",
  });
  const dots = points.map((p) => svg("circle", { cx: x(p.at.getTime()), cy: y(p.pain), r: 4, class: "shl-dot" }));
  const labels = [
    svg("text", { x: left, y: h - 8, "text-anchor": "start" }, dateFmt.format(points[0].at)),
    svg("text", { x: w - right, y: h - 8, "text-anchor": "end" }, dateFmt.format(points[points.length - 1].at)),
  ];
  return svg(
    "svg",
    { viewBox: `0 0 ${w} ${h}`, class: "shl-chart", role: "img", "aria-label": "Pain over time; the numbers are in the table below" },
    ...grid,
    line,
    ...dots,
    ...labels,
  );
}

function words(slug) {
  const text = String(slug || "").replace(/-/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function day(text) {
  // A date without a time ("2026-11-20") is that day wherever the reader is; new Date() would
  // read it as UTC midnight, the day before west of Greenwich.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(text);
}

function aboutKnot(condition) {
  // The knot as the person noted it (a Condition): when they first felt it, the muscle they
  // named, whether it is untied, and their note on it. Self-noted, never a diagnosis.
  if (!condition) return null;
  const facts = [];
  if (condition.onsetDateTime) facts.push(`First felt ${dateFmt.format(day(condition.onsetDateTime))}`);
  const muscle = (condition.extension || []).find((e) => typeof e.valueString === "string" && String(e.url).endsWith("/suspected-muscle"));
  if (muscle) facts.push(`muscle named: ${words(muscle.valueString)}`);
  const status = ((condition.clinicalStatus || {}).coding || []).map((c) => c.code)[0];
  if (status === "resolved") facts.push(condition.abatementDateTime ? `untied ${dateFmt.format(new Date(condition.abatementDateTime))}` : "untied");
  else if (status === "active") facts.push("still active");
  const note = (condition.note || []).map((n) => n.text).join(" ");
  return el("p", { class: "small shl-about" }, facts.join(" · ") + "." + (note ? ` Their note: “${note}”` : ""));
}

function knotSection(place, observations, index, condition) {
  if (observations.length === 0) {
    const id = `knot-${index}`;
    return el(
      "section",
      { class: "card stack shl-knot", "aria-labelledby": id },
      el("h2", { id }, place),
      aboutKnot(condition),
      el("p", { class: "muted" }, "No pain ratings in the chosen dates."),
    );
  }
  const points = observations
    .map((o) => ({ at: new Date(o.effectiveDateTime), pain: o.valueInteger, note: (o.note || []).map((n) => n.text).join(" ") }))
    .sort((a, b) => a.at - b.at);
  const pains = points.map((p) => p.pain);
  const id = `knot-${index}`;
  const summary = el(
    "p",
    {},
    `${points.length} rating${points.length === 1 ? "" : "s"}, ${dateFmt.format(points[0].at)} to ${dateFmt.format(points[points.length - 1].at)}. ` +
      `First ${pains[0]}, last ${pains[pains.length - 1]}, lowest ${Math.min(...pains)}, highest ${Math.max(...pains)}.`,
  );
  const rows = points.map((p) =>
    el("tr", {}, el("td", { class: "nowrap" }, timeFmt.format(p.at)), el("td", { class: "shl-pain" }, String(p.pain)), el("td", {}, p.note)),
  );
  const table = el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "small shl-ratings" },
      el("caption", { class: "visually-hidden" }, `Pain ratings for ${place}`),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "When"), el("th", { scope: "col" }, "Pain (0–10)"), el("th", { scope: "col" }, "Note"))),
      el("tbody", {}, ...rows),
    ),
  );
  return el(
    "section",
    { class: "card stack shl-knot", "aria-labelledby": id },
    el("h2", { id }, place),
    aboutKnot(condition),
    summary,
    el("figure", { class: "shl-figure" }, chart(points)),
    table,
  );
}

function render(bundle, payload) {
  const resources = (bundle.entry || []).map((e) => ({ url: e.fullUrl, ...e.resource }));
  const byUrl = new Map(resources.map((r) => [r.url, r]));
  // One section per knot: each Condition (the knots the person chose), with the ratings that
  // point to it; ratings pointing to no Condition are grouped by their body site.
  const knots = new Map();
  for (const r of resources) {
    if (r.resourceType !== "Condition") continue;
    knots.set(r.url, { place: (r.bodySite && r.bodySite[0] && r.bodySite[0].text) || "Knot", condition: r, ratings: [] });
  }
  for (const r of resources) {
    if (r.resourceType !== "Observation" || typeof r.valueInteger !== "number") continue;
    const focus = (r.focus || []).map((f) => f.reference).find((ref) => knots.has(ref));
    const key = focus || `site:${(r.bodySite && r.bodySite.text) || "Knot"}`;
    if (!knots.has(key)) knots.set(key, { place: (r.bodySite && r.bodySite.text) || "Knot", condition: null, ratings: [] });
    knots.get(key).ratings.push(r);
  }
  const parts = [];
  if (payload.label) root.querySelector("[data-shl-title]").textContent = payload.label;
  parts.push(el("p", { class: "small" }, `Made ${bundle.timestamp ? timeFmt.format(new Date(bundle.timestamp)) : ""}` + (payload.exp ? ` · the link works until ${timeFmt.format(new Date(payload.exp * 1000))}` : "")));
  if (knots.size === 0) parts.push(el("p", { class: "empty" }, "No pain ratings in the chosen dates."));
  [...knots.values()].forEach((k, i) => parts.push(knotSection(k.place, k.ratings, i, k.condition)));

  const screenings = resources.filter((r) => r.resourceType === "QuestionnaireResponse");
  const safety = el("section", { class: "card stack", "aria-labelledby": "shl-safety" }, el("h2", { id: "shl-safety" }, "Red-flag screening"));
  if (screenings.length === 0) safety.append(el("p", {}, "No screening in the chosen dates."));
  for (const s of screenings) {
    const yes = (s.item || []).filter((i) => i.answer && i.answer[0] && i.answer[0].valueBoolean);
    const list = el("ul", {}, ...(s.item || []).map((i) => el("li", { class: i.answer && i.answer[0] && i.answer[0].valueBoolean ? "shl-yes" : "" }, `${i.text}: ${i.answer && i.answer[0] && i.answer[0].valueBoolean ? "yes" : "no"}`)));
    const details = el("details", {}, el("summary", {}, `${dateFmt.format(new Date(s.authored))}: ${yes.length ? `${yes.length} answered yes` : "all answered no"}`), list);
    if (yes.length) details.open = true;
    safety.append(details);
  }
  parts.push(safety);

  const plan = resources.find((r) => r.resourceType === "CarePlan");
  const routine = el("section", { class: "card stack", "aria-labelledby": "shl-routine" }, el("h2", { id: "shl-routine" }, "Current self-care routine"));
  if (!plan) routine.append(el("p", {}, "No routine for these knots."));
  else {
    routine.append(el("p", { class: "small" }, plan.title || ""));
    const items = (plan.activity || []).map((a) => byUrl.get(a.reference && a.reference.reference)).filter(Boolean);
    routine.append(el("ol", {}, ...items.map((r) => el("li", {}, (r.code && r.code.text) || "Exercise", r.patientInstruction ? el("span", { class: "muted" }, ` (${r.patientInstruction})`) : null))));
  }
  parts.push(routine);

  const blob = new Blob([JSON.stringify(bundle, null, 1)], { type: "application/fhir+json" });
  const download = el("a", { class: "button button--quiet", download: "knotless-shared.fhir.json" }, "Download the FHIR Bundle (JSON)");
  download.href = URL.createObjectURL(blob);
  parts.push(el("p", {}, download));
  report.replaceChildren(...parts);
}

async function open(payload, recipient, passcode) {
  say("Opening…");
  const body = { recipient };
  if (passcode) body.passcode = passcode;
  let response;
  try {
    response = await fetch(payload.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    say("The server could not be reached. Check the connection and try again.");
    return;
  }
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) {
    const left = answer.remainingAttempts;
    say(passcode ? `Wrong passcode. ${left} ${left === 1 ? "try" : "tries"} left before the link locks.` : "This link needs the passcode the person gave you.");
    return;
  }
  if (response.status === 404) {
    form.hidden = true;
    say("This link is no longer active: it expired, was withdrawn, or was locked after wrong passcodes. Ask the person for a new one.");
    return;
  }
  if (response.status === 429) {
    say("Too many tries from here. Please wait a minute.");
    return;
  }
  if (!response.ok || !Array.isArray(answer.files)) {
    say("The link could not be opened. Please try again later.");
    return;
  }
  try {
    const file = answer.files.find((f) => f.embedded && (f.contentType || "").startsWith("application/fhir+json"));
    const { text } = await decrypt(file.embedded, payload.key);
    form.hidden = true;
    render(JSON.parse(text), payload);
    say("");
  } catch {
    say("The shared data could not be decrypted: the link may be incomplete. Ask for it again.");
  }
}

function start() {
  const payload = readPayload();
  if (!payload || typeof payload.url !== "string" || typeof payload.key !== "string") {
    say("This page opens a pain diary shared from knotless. The link seems incomplete: ask the person to send it again.");
    return;
  }
  if (payload.label) root.querySelector("[data-shl-title]").textContent = payload.label;
  if (new URL(payload.url, location.href).origin !== location.origin) {
    say("This link's data is on another server; open it with a SMART Health Links viewer.");
    return;
  }
  if (!window.crypto || !crypto.subtle || typeof DecompressionStream === "undefined") {
    say("This browser cannot decrypt here: open the link over https in a current browser.");
    return;
  }
  if (payload.exp && payload.exp * 1000 < Date.now()) {
    say("This link has expired. Ask the person for a new one.");
    return;
  }
  const passcode = (payload.flag || "").includes("P");
  form.querySelector("[data-shl-passcode]").hidden = !passcode;
  form.querySelector("#shl-passcode").required = passcode;
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const recipient = form.querySelector("#shl-recipient").value.trim();
    open(payload, recipient, passcode ? form.querySelector("#shl-passcode").value : "");
  });
}

start();
