/// The page's markup: the pad, the buttons, the model selector, the answer, the bars and the preview.
let pageHTML = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>digitty — draw a digit</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
  <header>
    <h1>digitty</h1>
    <p>Draw a digit from 0 to 9 in the square; the model names it.</p>
  </header>
  <div class="layout">
    <section class="drawing" aria-label="Drawing">
      <div class="pad-frame">
        <canvas id="pad" width="280" height="280" tabindex="0" role="img"
          aria-label="Drawing area. Draw with a mouse, pen or finger. Keyboard: arrow keys move the pen, Space lowers or lifts it, Enter predicts, Escape clears."
          aria-describedby="keys"></canvas>
        <div id="cursor" class="cursor" hidden></div>
      </div>
      <p id="keys" class="hint">Keyboard: focus the square, arrows move, <kbd>Space</kbd> pen down/up, <kbd>Enter</kbd> predict, <kbd>Esc</kbd> clear.</p>
      <div class="controls">
        <button id="predict" type="button">Predict</button>
        <button id="clear" type="button" class="secondary">Clear</button>
        <label class="check"><input id="live" type="checkbox" checked> Live</label>
        <label class="check"><input id="why" type="checkbox"> Why</label>
      </div>
      <div class="model-row">
        <label for="model">Model</label>
        <select id="model"><option value="">default</option></select>
      </div>
    </section>
    <section class="result" aria-label="Prediction">
      <div class="answer">
        <div>
          <div class="caption">Prediction</div>
          <output id="label" class="label" aria-live="polite" aria-label="Predicted digit">–</output>
        </div>
        <figure class="seen">
          <canvas id="preview" width="28" height="28" role="img" aria-label="The 28 by 28 image the model saw"></canvas>
          <figcaption id="seen-caption">what the model saw (28×28)</figcaption>
        </figure>
      </div>
      <p id="status" class="status" role="status">Draw a digit.</p>
      <ol id="bars" class="bars" aria-label="Probability of each digit"></ol>
    </section>
  </div>
</main>
<script src="/app.js"></script>
</body>
</html>
"""#
