"""The grammar the model's answer is decoded under: the answer's JSON shape, with JSON's own freedom of whitespace.

Why not `LlamaGrammar.from_json_schema`: llama-cpp-python's schema converter allows only an optional single space
between JSON tokens, while MemPrivacy was trained and evaluated without that restriction (the paper decodes with
vLLM, unconstrained whitespace) and may break lines and indent. Where the model wants a newline after ``[``, a grammar
without one leaves ``]`` among the few allowed tokens, and the list can end before its first item with no error.
So the whitespace rule here is llama.cpp's own (``json-schema-to-grammar``'s ``space``): nothing, one space, or one
or two newlines followed by up to 20 spaces or tabs.

What the grammar fixes, and why:

- the keys and their order (``original_text``, ``privacy_type``, ``privacy_level``), as the model was trained to
  write them;
- the levels PL1–PL4: the model may grade an item PL1 (a preference), and forcing it to PL2+ would mask it; PL1
  items are dropped after parsing (`model_output`);
- strings without raw control characters, as JSON requires: a raw newline inside a value would make the whole
  answer unparseable, so the model must escape it (``\\n``), which parsing then reads back.

The answer may not be followed by anything but the end token: the grammar ends at ``]``.
"""

from __future__ import annotations

import llama_cpp

from app.core.detectors.model.output import ANSWER_KEYS, ANSWER_LEVELS


def _literal(text: str) -> str:
    """A GBNF string literal for ``text`` (quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _key(name: str) -> str:
    return _literal(f'"{name}"')


def answer_grammar_text() -> str:
    """The GBNF source of the answer grammar."""
    original_text, privacy_type, privacy_level = ANSWER_KEYS
    item = " ".join(
        [
            '"{" ws',
            f'{_key(original_text)} ws ":" ws string ws "," ws',
            f'{_key(privacy_type)} ws ":" ws string ws "," ws',
            f'{_key(privacy_level)} ws ":" ws level ws',
            '"}"',
        ]
    )
    levels = " | ".join(_literal(f'"{level}"') for level in ANSWER_LEVELS)
    return "\n".join(
        [
            'root ::= "[" ws ( item ( ws "," ws item )* ws )? "]"',
            f"item ::= {item}",
            f"level ::= {levels}",
            'string ::= "\\"" char* "\\""',
            'char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )',
            'ws ::= | " " | "\\n"{1,2} [ \\t]{0,20}',
            "",
        ]
    )


def answer_grammar() -> llama_cpp.LlamaGrammar:
    """The answer grammar, ready for llama.cpp (building it costs time: build it once per detector)."""
    return llama_cpp.LlamaGrammar.from_string(answer_grammar_text(), verbose=False)
