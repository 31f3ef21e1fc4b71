// The "Copy the link" button on the page that shows a new share's link once.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const said = document.querySelector("[data-copied]");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (said) said.textContent = "Copied.";
    } catch {
      field.select();
      if (said) said.textContent = "Select the link and copy it (Ctrl+C or ⌘C).";
    }
  });
}
