// The customer's signature drawn on the technician's phone (pointer events: finger, pen or
// mouse); on submit the drawing goes along as a PNG data URL, which the console keeps and
// dispatch records a reference to. Nothing drawn sends nothing.
(function () {
  const pad = document.getElementById("signature-pad");
  if (!pad) return;
  const field = document.getElementById("signature");
  const ink = pad.getContext("2d");
  let drawing = false;
  let drawn = false;
  function fit() {
    // draw in the canvas's own pixels whatever width the phone gives it
    const width = Math.max(200, Math.floor(pad.getBoundingClientRect().width));
    if (pad.width !== width) { pad.width = width; drawn = false; }
    ink.lineWidth = 2.5; ink.lineCap = "round"; ink.lineJoin = "round"; ink.strokeStyle = "#111";
  }
  function at(event) {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  }
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = true;
    const [x, y] = at(event);
    ink.beginPath(); ink.moveTo(x, y);
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const [x, y] = at(event);
    ink.lineTo(x, y); ink.stroke();
    drawn = true;
  });
  const stop = () => { drawing = false; };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  document.getElementById("signature-clear").addEventListener("click", () => {
    ink.clearRect(0, 0, pad.width, pad.height); drawn = false; field.value = "";
  });
  pad.closest("form").addEventListener("submit", () => {
    field.value = drawn ? pad.toDataURL("image/png") : "";
  });
  fit();
})();
