// Small progressive enhancements; every page works without them.

// Show a message at the top of the page, as the server's flash messages are shown.
function showMessage(text, level) {
  let box = document.querySelector("main > .messages");
  if (!box) {
    box = document.createElement("div");
    box.className = "messages";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    document.querySelector("main").prepend(box);
  }
  box.innerHTML = "";
  const p = document.createElement("p");
  p.className = `message message-${level}`;
  p.textContent = text;
  box.appendChild(p);
}

// An htmx action the server refused: it answers the refreshed fragment plus an
// `HX-Trigger: {"bazaar:error": "<message>"}` header carrying the reason.
document.body.addEventListener("bazaar:error", (event) => {
  showMessage(event.detail.value, "error");
});

document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  const messages = {
    403: "You can't do that.",
    429: `You are doing that faster than we allow. Try again in ${xhr.getResponseHeader("Retry-After") || "a few"} seconds.`,
  };
  showMessage(messages[xhr.status] || "Something went wrong. Please try again.", "error");
});

// Progressive disclosure: a block marked data-shown-with="audience=circles" shows only while
// that radio (or select) has that value; "shipping" alone: while that checkbox is ticked.
// Without JavaScript every block shows and the server ignores what the choice does not use.
function updateDisclosures(form) {
  form.querySelectorAll("[data-shown-with]").forEach((block) => {
    const [name, value] = block.dataset.shownWith.split("=");
    const inputs = [...form.querySelectorAll(`[name="${name}"]`)];
    block.hidden = !inputs.some((input) =>
      input.type === "radio" || input.type === "checkbox"
        ? input.checked && (value === undefined || input.value === value)
        : input.value === (value ?? ""),
    );
  });
}

document.addEventListener("change", (event) => {
  if (event.target.form) updateDisclosures(event.target.form);
});
document.addEventListener("htmx:afterSettle", (event) => {
  const form = event.target.closest ? event.target.closest("form") : null;
  if (form) updateDisclosures(form);
});
document.querySelectorAll("form").forEach((form) => {
  if (form.querySelector("[data-shown-with]")) updateDisclosures(form);
});

// Filters fold away on a phone, where they would push the results below the fold, unless one
// of them is in use; on a wider screen they stay open beside the results.
if (window.matchMedia("(max-width: 40rem)").matches) {
  document.querySelectorAll("details[data-fold-on-phone]:not([data-in-use])").forEach((details) => {
    details.open = false;
  });
}

// A row of tabs wider than a phone scrolls within itself: bring the current tab into view.
document.querySelectorAll(".tabs-nav").forEach((nav) => {
  const current = nav.querySelector('[aria-current="page"]');
  if (current) nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
});
