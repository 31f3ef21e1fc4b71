// A programme link keeps the programme after "#programme=", which the browser never sends to a
// server. Here, signed in, the person's own page reads it, posts it for review, and takes it out
// of the address bar.
const form = document.querySelector("[data-programme-form]");
if (form && location.hash.startsWith("#programme=")) {
  form.querySelector("input[name=text]").value = location.hash.slice(1);
  history.replaceState(null, "", location.pathname);
  form.requestSubmit();
}
