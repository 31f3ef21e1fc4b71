// The training page's rest timer: counts down between sets and buzzes (where the phone can)
// at the end. Without JavaScript the page works the same, just without the timer.
const box = document.querySelector("[data-rest-timer]");
if (box) {
  box.hidden = false;
  const left = box.querySelector("[data-rest-left]");
  let timer = null;
  let end = 0;
  const show = () => {
    const seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
    const m = Math.floor(seconds / 60);
    const s = String(seconds % 60).padStart(2, "0");
    left.textContent = seconds ? `Rest ${m}:${s}` : "Rest over: next set.";
    if (!seconds) {
      clearInterval(timer);
      timer = null;
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    }
  };
  for (const button of box.querySelectorAll("[data-rest]")) {
    button.addEventListener("click", () => {
      clearInterval(timer);
      const seconds = Number(button.dataset.rest);
      if (!seconds) {
        timer = null;
        left.textContent = "";
        return;
      }
      end = Date.now() + seconds * 1000;
      show();
      timer = setInterval(show, 1000);
    });
  }
}
