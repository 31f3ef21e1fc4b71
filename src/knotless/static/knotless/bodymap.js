// Body map picker: a tap selects the region in the form on the same page.
// Without JavaScript each region is a plain link that reloads the form with it selected.

const picker = document.querySelector("[data-picker]");
const region = document.querySelector("select[name=region]");
const sideInputs = [...document.querySelectorAll("input[name=side]")];
const chosen = document.querySelector("[data-chosen]");
const sidesData = document.getElementById("region-sides");
const sides = sidesData ? JSON.parse(sidesData.textContent) : {};

function sideLabel(side) {
  return side[0].toUpperCase() + side.slice(1) + " ";
}

function allowSides(slug) {
  const allowed = sides[slug] || ["left", "right", "center"];
  for (const input of sideInputs) {
    input.disabled = !allowed.includes(input.value);
    if (input.disabled) input.checked = false;
  }
  if (!sideInputs.some((i) => i.checked)) {
    const first = sideInputs.find((i) => !i.disabled);
    if (first && allowed.length === 1) first.checked = true;
  }
}

function currentSide() {
  return sideInputs.find((i) => i.checked)?.value || "";
}

function highlight() {
  if (!picker || !region) return;
  const slug = region.value;
  const side = currentSide();
  for (const link of picker.querySelectorAll(".region-link")) {
    const on = link.dataset.region === slug && link.dataset.side === side;
    link.querySelector(".region")?.classList.toggle("is-selected", on);
    if (on) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
  if (chosen) {
    const name = (region.selectedOptions[0]?.textContent || "").trim();
    // Same wording as the server's region_label: "Left calf", "Between the shoulder blades",
    // and for a midline region that also has sides "Between the shoulder blades, left side".
    const midline = (sides[slug] || []).length === 3;
    let label = name;
    if (side && side !== "center") {
      label = midline ? `${name}, ${side} side` : sideLabel(side) + name.toLowerCase();
    }
    chosen.textContent = slug ? `Selected: ${label}` : "Nothing selected yet.";
  }
}

function choose(link) {
  region.value = link.dataset.region;
  allowSides(region.value);
  const input = sideInputs.find((i) => i.value === link.dataset.side);
  if (input) input.checked = true;
  highlight();
  // On a narrow screen the form sits under the map: bring it into view.
  if (window.matchMedia("(max-width: 56rem)").matches) {
    document.getElementById("knot-form")?.scrollIntoView({ behavior: "smooth", block: "start" });
  }
}

// A fingertip covers a circle about 44 px across, and many places (each side between the
// shoulder blades, a fingertip's joints) are smaller than that on a phone. A touch that lands
// near more than one place asks which, with buttons big enough for a thumb; near one, it picks
// it even when the touch fell just outside its outline. Mouse clicks pick what they hit.
const FINGER = 22; // radius in CSS px

function nearby(x, y) {
  const found = new Map();
  const points = [[0, 0]];
  for (const r of [7, 14, FINGER]) {
    for (let a = 0; a < 12; a += 1) {
      points.push([r * Math.cos((a * Math.PI) / 6), r * Math.sin((a * Math.PI) / 6)]);
    }
  }
  for (const [dx, dy] of points) {
    const link = document.elementFromPoint(x + dx, y + dy)?.closest(".region-link");
    if (!link || !picker.contains(link)) continue;
    const key = `${link.dataset.region}:${link.dataset.side}`;
    const distance = Math.hypot(dx, dy);
    if (!found.has(key) || found.get(key).distance > distance) found.set(key, { link, distance });
  }
  return [...found.values()].sort((a, b) => a.distance - b.distance).map((f) => f.link);
}

let sheet;
function closeSheet() {
  sheet?.remove();
  sheet = null;
}

function ask(links, back) {
  closeSheet();
  sheet = document.createElement("div");
  sheet.className = "thumb-chooser";
  sheet.setAttribute("role", "dialog");
  sheet.setAttribute("aria-label", "Which place did you mean?");
  const question = document.createElement("p");
  question.textContent = "Which place did you mean?";
  sheet.append(question);
  for (const link of links.slice(0, 5)) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button--quiet";
    button.textContent = link.getAttribute("aria-label");
    button.addEventListener("click", () => {
      closeSheet();
      choose(link);
    });
    sheet.append(button);
  }
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "link";
  cancel.textContent = "None of these";
  cancel.addEventListener("click", () => {
    closeSheet();
    back?.focus();
  });
  sheet.append(cancel);
  sheet.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      closeSheet();
      back?.focus();
    }
  });
  document.body.append(sheet);
  sheet.querySelector("button")?.focus();
}

if (picker && region) {
  let pointer = "mouse";
  picker.addEventListener("pointerdown", (event) => {
    pointer = event.pointerType;
  });
  picker.addEventListener("click", (event) => {
    const link = event.target.closest(".region-link");
    // event.detail is 0 for a keyboard's Enter on a focused link: it picks that link.
    if (pointer === "touch" && event.detail > 0) {
      const near = nearby(event.clientX, event.clientY);
      if (near.length > 1) {
        event.preventDefault();
        ask(near, link);
        return;
      }
      if (near.length === 1) {
        event.preventDefault();
        choose(near[0]);
        return;
      }
    }
    if (!link) return;
    event.preventDefault();
    choose(link);
  });
}
if (region) {
  region.addEventListener("change", () => { allowSides(region.value); highlight(); });
  for (const input of sideInputs) input.addEventListener("change", highlight);
  if (region.value) allowSides(region.value);
}
