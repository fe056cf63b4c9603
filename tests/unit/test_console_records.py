"""The reception script's form (KB-20): the API's refusal lands beside the field it names, and
the wording typed is sent as the API takes it."""

from __future__ import annotations

from console.entrypoints.web.reception_script import STEPS, form_field, script_body


def test_a_refusal_lands_beside_the_step_and_language_it_names() -> None:
    assert form_field("lines.4.says_zh") == "zh_close"  # pydantic's path
    assert form_field("lines[0].says_en") == "en_greet"  # the domain rule's path
    assert form_field("courtesy_phrases.3") == "phrases"
    assert form_field("courtesy_phrases[1]") == "phrases"
    assert form_field("lines") == "lines"


def test_the_wording_typed_is_sent_each_step_in_order_and_phrases_one_a_line() -> None:
    values = {f"{lang}_{step}": f"{lang}-{step}" for step in STEPS for lang in ("zh", "en")}
    values["zh_ask"] = ""  # a blank step is sent as typed, for intake to refuse
    values["phrases"] = "您好\r\n\r\n  谢谢 \n"
    body = script_body(values)
    assert [line["step"] for line in body["lines"]] == list(STEPS)
    assert body["lines"][1] == {"step": "ask", "says_zh": "", "says_en": "en-ask"}
    assert body["courtesy_phrases"] == ["您好", "谢谢"]
