// The call screen's forms: the signature's reference is asked for on a home visit only (CB-05),
// the time to call back with "call back later" only; otherwise the field is hidden and left out
// of the form. Without this script both fields show and callback names the one not to give.
(function () {
  function follow(form, radios, wanted, field, input) {
    if (!form || !field || !input) return;
    function update() {
      const chosen = form.querySelector(`input[name=${radios}]:checked`);
      const shown = chosen !== null && chosen.value === wanted;
      field.hidden = !shown;
      input.disabled = !shown;
    }
    form.querySelectorAll(`input[name=${radios}]`).forEach((radio) => radio.addEventListener("change", update));
    update();
  }
  follow(
    document.getElementById("outcome-form"),
    "method",
    "visit",
    document.getElementById("cb-signature-field"),
    document.getElementById("cb-signature-ref"),
  );
  follow(
    document.getElementById("attempt-form"),
    "result",
    "call_back_later",
    document.getElementById("cb-call-back-field"),
    document.getElementById("cb-call-back-at"),
  );
})();
