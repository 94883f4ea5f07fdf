/// The page's behaviour: drawing with pointer events or the keyboard, predicting through `POST /predict`,
/// and showing the digit, the ten bars and the model's 28×28 input (with "Why" on: coloured by the saliency map,
/// warm where the ink pushed towards the answer, cool where it pushed away).
let pageScript = #"""
"use strict";
(() => {
  const SIZE = 280, LINE = 20, STEP = 8;
  const pad = document.getElementById("pad"), ctx = pad.getContext("2d");
  const preview = document.getElementById("preview"), previewCtx = preview.getContext("2d");
  const labelOut = document.getElementById("label"), statusOut = document.getElementById("status");
  const barsList = document.getElementById("bars"), modelSelect = document.getElementById("model");
  const liveBox = document.getElementById("live"), cursor = document.getElementById("cursor");
  const whyBox = document.getElementById("why"), seenCaption = document.getElementById("seen-caption");
  let ink = false, drawing = false, last = null, generation = 0;
  let inFlight = false, again = false, liveTimer = null;
  const pen = { x: SIZE / 2, y: SIZE / 2, down: false };

  const bars = [];
  for (let digit = 0; digit < 10; digit++) {
    const item = document.createElement("li");
    item.className = "bar";
    item.dataset.digit = String(digit);
    item.dataset.probability = "0";
    item.innerHTML = '<span class="digit">' + digit + '</span><span class="track"><span class="fill"></span></span><span class="pct">0%</span>';
    barsList.appendChild(item);
    bars.push(item);
  }

  function blank() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, SIZE, SIZE);
    ink = false;
  }

  function stroke(from, to) {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = LINE;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    ink = true;
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return { x: (event.clientX - box.left) * SIZE / box.width, y: (event.clientY - box.top) * SIZE / box.height };
  }

  function showBars(probabilities) {
    let top = -1;
    if (probabilities) probabilities.forEach((p, i) => { if (top < 0 || p > probabilities[top]) top = i; });
    bars.forEach((item, digit) => {
      const p = probabilities ? probabilities[digit] : 0;
      item.dataset.probability = String(p);
      item.classList.toggle("top", digit === top);
      item.querySelector(".fill").style.width = (p * 100).toFixed(1) + "%";
      const text = (p * 100).toFixed(p >= 0.995 || p === 0 ? 0 : 1) + "%";
      item.querySelector(".pct").textContent = text;
      item.setAttribute("aria-label", digit + ": " + text);
    });
  }

  // The model's input in grey; with a saliency map, each inked pixel tinted by its effect relative to the
  // largest one: red-orange towards the answer, blue away from it.
  function showPreview(input, saliency) {
    const image = previewCtx.createImageData(28, 28);
    const largest = saliency ? Math.max(...saliency.map(Math.abs)) : 0;
    for (let i = 0; i < 784; i++) {
      const v = input ? input[i] : 0;
      let rgb = [v, v, v];
      if (largest > 0 && saliency[i] !== 0) {
        const share = Math.min(1, Math.abs(saliency[i]) / largest), dim = v * 0.35;
        rgb = saliency[i] > 0 ? [dim + (255 - dim) * share, dim + (140 - dim) * share, dim * (1 - share)]
                              : [dim * (1 - share), dim + (120 - dim) * share, dim + (255 - dim) * share];
      }
      image.data[4 * i] = rgb[0];
      image.data[4 * i + 1] = rgb[1];
      image.data[4 * i + 2] = rgb[2];
      image.data[4 * i + 3] = 255;
    }
    previewCtx.putImageData(image, 0, 0);
    seenCaption.textContent = saliency ? "why: orange pushed towards it, blue away" : "what the model saw (28×28)";
  }

  function showEmpty(message) {
    labelOut.textContent = "–";
    showBars(null);
    showPreview(null);
    statusOut.textContent = message;
  }

  function show(answer) {
    if (answer.empty) { showEmpty("Nothing drawn yet."); return; }
    labelOut.textContent = String(answer.label);
    showBars(answer.probabilities);
    showPreview(answer.input, answer.saliency);
    const confidence = (answer.probabilities[answer.label] * 100).toFixed(1);
    statusOut.textContent = "Model " + answer.model + ": " + answer.label + " (" + confidence + "%)";
  }

  // #status carries data-state="busy" while a prediction is pending or in flight, "idle" otherwise.
  function setBusy(busy) { statusOut.dataset.state = busy ? "busy" : "idle"; }

  function predict() {
    if (!ink) { showEmpty("Nothing drawn yet."); setBusy(inFlight || liveTimer !== null); return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    setBusy(true);
    const asked = generation;
    pad.toBlob(async (blob) => {
      try {
        const query = "?input=1" + (whyBox.checked ? "&explain=1" : "") + (modelSelect.value ? "&model=" + encodeURIComponent(modelSelect.value) : "");
        const response = await fetch("/predict" + query, { method: "POST", headers: { "Content-Type": "image/png" }, body: blob });
        const answer = await response.json();
        if (!response.ok) throw new Error(answer.error || response.statusText);
        if (asked === generation) show(answer);
      } catch (error) {
        if (asked === generation) statusOut.textContent = "Error: " + error.message;
      } finally {
        inFlight = false;
        if (again) { again = false; predict(); } else { setBusy(liveTimer !== null); }
      }
    }, "image/png");
  }

  function predictSoon() {
    if (!liveBox.checked || liveTimer !== null) return;
    setBusy(true);
    liveTimer = setTimeout(() => { liveTimer = null; predict(); }, 120);
  }

  function clear() {
    generation += 1;
    again = false;
    if (liveTimer !== null) { clearTimeout(liveTimer); liveTimer = null; }
    blank();
    showEmpty("Draw a digit.");
    setBusy(inFlight);
  }

  pad.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    stroke(last, last);
    predictSoon();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const each of events.length ? events : [event]) {
      const next = point(each);
      stroke(last, next);
      last = next;
    }
    predictSoon();
  });
  const stop = () => {
    if (!drawing) return;
    drawing = false;
    if (liveBox.checked) predict();
  };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);

  function placeCursor() {
    cursor.style.left = (pen.x / SIZE * 100) + "%";
    cursor.style.top = (pen.y / SIZE * 100) + "%";
    cursor.classList.toggle("down", pen.down);
  }
  pad.addEventListener("focus", () => { cursor.hidden = false; placeCursor(); });
  pad.addEventListener("blur", () => { cursor.hidden = true; });
  pad.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    if (moves[event.key]) {
      const from = { x: pen.x, y: pen.y };
      pen.x = Math.min(SIZE, Math.max(0, pen.x + moves[event.key][0]));
      pen.y = Math.min(SIZE, Math.max(0, pen.y + moves[event.key][1]));
      if (pen.down) { stroke(from, pen); predictSoon(); }
    } else if (event.key === " ") {
      pen.down = !pen.down;
      if (pen.down) { stroke(pen, pen); predictSoon(); }
    } else if (event.key === "Enter") {
      predict();
    } else if (event.key === "Escape" || event.key === "Delete" || event.key === "Backspace") {
      pen.down = false;
      clear();
    } else {
      return;
    }
    event.preventDefault();
    placeCursor();
  });

  document.getElementById("predict").addEventListener("click", predict);
  document.getElementById("clear").addEventListener("click", clear);
  modelSelect.addEventListener("change", () => { if (ink) predict(); });
  whyBox.addEventListener("change", () => { if (ink) predict(); });

  fetch("/models").then((response) => response.json()).then((answer) => {
    modelSelect.textContent = "";
    for (const model of answer.models) {
      const option = document.createElement("option");
      option.value = model.name;
      const accuracy = typeof model.accuracy === "number" ? " — " + (model.accuracy * 100).toFixed(2) + "% test" : "";
      option.textContent = model.name + accuracy;
      if (model.default) option.selected = true;
      modelSelect.appendChild(option);
    }
  }).catch(() => { statusOut.textContent = "Could not list the models."; });

  blank();
  showEmpty("Draw a digit.");
  setBusy(false);
})();
"""#
