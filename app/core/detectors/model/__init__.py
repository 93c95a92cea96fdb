"""The model detector: MemPrivacy (or a stand-in) run by llama.cpp, asked with its prompt, its answer parsed to findings.

The package keeps apart what needs llama.cpp (the detector, the decoders, the prefix state) from what does not
(the prompts, the answer grammar, the answer parser and stream), so the latter can be tested without a GGUF.
"""
