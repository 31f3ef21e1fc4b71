// Small progressive enhancements shared by every page.

// Setup: suggest the browser's own time zone instead of UTC.
const tz = document.querySelector("select[name=time_zone]");
if (tz && tz.value === "UTC" && !tz.closest("form")?.querySelector(".errorlist")) {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (mine && [...tz.options].some((o) => o.value === mine)) tz.value = mine;
}

// A saved session: the player's "not saved yet" state for it can go.
for (const el of document.querySelectorAll("[data-saved-session]")) {
  sessionStorage.removeItem(`knotless-player-${el.dataset.savedSession}`);
}
