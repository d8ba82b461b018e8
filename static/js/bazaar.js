// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.querySelector(".messages") || document.createElement("div");
  box.className = "messages";
  box.setAttribute("role", "status");
  box.innerHTML = "";
  const p = document.createElement("p");
  p.className = "message message-error";
  p.textContent = status === 403 ? "You can't do that." : "Something went wrong. Please try again.";
  box.appendChild(p);
  document.querySelector("main").prepend(box);
});
