// Places chosen by town name (templates/accounts/_place_input.html): towns suggested as one
// types, and "Use my location", which fills in the nearest town's name. The form posts the
// name either way; without this file the input is a plain text input that takes it too.
(() => {
  const PAUSE_MS = 200;

  async function ask(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return { ok: response.ok, body: await response.json() };
  }

  function setUp(box) {
    if (box.dataset.placeReady) return;
    box.dataset.placeReady = "yes";
    const input = box.querySelector("input");
    const towns = box.querySelector("datalist");
    const status = box.querySelector("[data-place-status]");
    const locate = box.querySelector("[data-place-locate]");
    let timer = null;
    let asked = "";

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        if (q.length < 2 || q === asked) return;
        asked = q;
        try {
          const { ok, body } = await ask(`${box.dataset.suggestUrl}?${new URLSearchParams({ q })}`);
          if (!ok || input.value.trim() !== q) return; // typed on meanwhile
          towns.replaceChildren(
            ...body.places.map((label) => Object.assign(document.createElement("option"), { value: label })),
          );
        } catch {
          // Offline: a town's full name typed by hand is still understood.
        }
      }, PAUSE_MS);
    });

    if (!locate || !("geolocation" in navigator)) return;
    locate.hidden = false;
    locate.addEventListener("click", () => {
      status.textContent = "Looking for the nearest town…";
      navigator.geolocation.getCurrentPosition(
        async ({ coords }) => {
          const point = new URLSearchParams({ latitude: coords.latitude, longitude: coords.longitude });
          try {
            const { ok, body } = await ask(`${box.dataset.nearestUrl}?${point}`);
            if (ok) {
              input.value = body.place;
              status.textContent = `Nearest town: ${body.place}.`;
            } else {
              status.textContent = body.error.message;
            }
          } catch {
            status.textContent = "Bazaar could not be reached. Type your town's name instead.";
          }
        },
        () => {
          status.textContent = "Your browser did not share your location. Type your town's name instead.";
        },
        { maximumAge: 600000, timeout: 15000 },
      );
    });
  }

  const setUpAll = (root) => root.querySelectorAll("[data-place-input]").forEach(setUp);
  setUpAll(document);
  document.addEventListener("htmx:load", (event) => setUpAll(event.target));
})();
