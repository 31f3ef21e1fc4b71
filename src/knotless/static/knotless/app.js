// Small progressive enhancements shared by every page.

// Setup: suggest the browser's own time zone instead of UTC.
const tz = document.querySelector("select[name=time_zone]");
if (tz && tz.value === "UTC" && !tz.closest("form")?.querySelector(".errorlist")) {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (mine && [...tz.options].some((o) => o.value === mine)) tz.value = mine;
}
