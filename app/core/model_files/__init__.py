"""Getting the detector model onto the person's machine, and running it well there.

The modules, from the file up:

- `gguf_info`: read and check a GGUF file's header without llama.cpp (magic, version, metadata, truncation).
- `catalog`: the known models (``resources/models.json``): repositories, sizes, licence, RAM needs.
- `download`: files from a Hugging Face repository, with progress, resume, a disk check and checksums.
- `quantize`: llama.cpp quantization in a child process, so it can be cancelled.
- `convert`: official safetensors → GGUF with llama.cpp's own converter, then quantize and verify.
- `official_prompt`: fetch the authors' prompt template and accept it only if it is byte-for-byte the known file.
- `hardware`: RAM, physical and free cores, GPUs, and which model and quantization to recommend.
- `runtime`: load a model with GPU offload and a CPU fallback, thread choice, memory use and idle unloading.
- `library`: the full check of a model file (header, architecture, llama.cpp loads it), the models folder, and the
  registered model (the ``model_path`` setting), which only a file that passed the check can become.

Every long operation takes ``progress(stage, done, total)`` and a ``threading.Event`` to cancel, and prints nothing:
the command line and the setup wizard decide how to show it. The weights and the official prompt are licensed
CC BY-NC-ND 4.0, so nothing here ships them: the person fetches them onto their own machine.
"""
