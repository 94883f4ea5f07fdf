/// The page's style: plain CSS, a layout that stacks at phone width.
let pageStyle = #"""
:root { color-scheme: light dark; --ink: #1b1f24; --paper: #f6f7f9; --accent: #2563eb; --muted: #6b7280; --track: #e5e7eb; }
@media (prefers-color-scheme: dark) { :root { --ink: #e6e8eb; --paper: #14171b; --accent: #60a5fa; --muted: #9ca3af; --track: #2b3038; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
main { max-width: 860px; margin: 0 auto; padding: 16px; }
header h1 { margin: 0; font-size: 1.6rem; letter-spacing: .02em; }
header p { margin: .2rem 0 1rem; color: var(--muted); }
.layout { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.drawing { flex: 0 1 320px; min-width: 0; }
.result { flex: 1 1 280px; min-width: 0; }
.pad-frame { position: relative; width: min(100%, 320px); aspect-ratio: 1; }
#pad { display: block; width: 100%; height: 100%; background: #000; border-radius: 8px; touch-action: none; cursor: crosshair; }
#pad:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.cursor { position: absolute; width: 20px; height: 20px; margin: -10px 0 0 -10px; border: 2px solid #f59e0b; border-radius: 50%; pointer-events: none; }
.cursor.down { background: rgba(245, 158, 11, .45); }
.hint { font-size: .8rem; color: var(--muted); margin: .4rem 0; }
kbd { font: inherit; border: 1px solid var(--muted); border-radius: 3px; padding: 0 3px; }
.controls { display: flex; gap: 8px; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
button { font: inherit; padding: .55rem 1.2rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; min-height: 44px; }
button.secondary { background: transparent; color: var(--accent); }
.check { display: inline-flex; gap: 4px; align-items: center; }
.model-row { display: flex; gap: 8px; align-items: center; }
select { font: inherit; padding: .3rem; min-height: 36px; max-width: 100%; }
.answer { display: flex; gap: 24px; align-items: center; }
.caption { color: var(--muted); font-size: .85rem; }
.label { display: block; font-size: 5.5rem; font-weight: 700; line-height: 1; min-width: 1ch; }
.seen { margin: 0; text-align: center; }
#preview { width: 112px; height: 112px; image-rendering: pixelated; background: #000; border-radius: 4px; }
figcaption { font-size: .75rem; color: var(--muted); }
.status { color: var(--muted); min-height: 1.4em; }
.bars { list-style: none; padding: 0; margin: 0; display: grid; gap: 4px; }
.bar { display: grid; grid-template-columns: 1.4em 1fr 4.2em; gap: 8px; align-items: center; }
.bar .digit { font-weight: 600; text-align: right; }
.bar .track { height: 16px; background: var(--track); border-radius: 3px; overflow: hidden; }
.bar .fill { display: block; height: 100%; width: 0; background: var(--muted); transition: width .12s; }
.bar.top .fill { background: var(--accent); }
.bar .pct { font-variant-numeric: tabular-nums; text-align: right; font-size: .85rem; }
@media (max-width: 420px) { main { padding: 10px; } .label { font-size: 4rem; } #preview { width: 84px; height: 84px; } }
"""#
