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

if (picker && region) {
  picker.addEventListener("click", (event) => {
    const link = event.target.closest(".region-link");
    if (!link) return;
    event.preventDefault();
    region.value = link.dataset.region;
    allowSides(region.value);
    const input = sideInputs.find((i) => i.value === link.dataset.side);
    if (input) input.checked = true;
    highlight();
    // On a narrow screen the form sits under the map: bring it into view.
    if (window.matchMedia("(max-width: 56rem)").matches) {
      document.getElementById("knot-form")?.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  });
}
if (region) {
  region.addEventListener("change", () => { allowSides(region.value); highlight(); });
  for (const input of sideInputs) input.addEventListener("change", highlight);
  if (region.value) allowSides(region.value);
}
