// The materials form on the technician's phone: the price-list item the customer is charged as
// is asked for a material only; choosing a tool hides it and leaves it out of the form (the
// console drops it for a tool too).
(function () {
  const form = document.querySelector("form.draw");
  if (!form) return;
  const field = document.getElementById("charge-as-field");
  const input = document.getElementById("draw-charge-as");
  function follow() {
    const chosen = form.querySelector("input[name=kind]:checked");
    const material = !chosen || chosen.value === "material";
    field.hidden = !material;
    input.disabled = !material;
  }
  form.querySelectorAll("input[name=kind]").forEach((radio) => radio.addEventListener("change", follow));
  follow();
})();
