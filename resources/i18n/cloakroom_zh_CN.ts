<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AppController</name>
    <message>
        <source>Paused: hotkeys do nothing until you resume.</source>
        <translation>已暂停：恢复之前，快捷键不起作用。</translation>
    </message>
    <message>
        <source>Model not available</source>
        <translation>模型不可用</translation>
    </message>
    <message>
        <source>Rules detection still works.</source>
        <translation>规则检测仍然可用。</translation>
    </message>
    <message>
        <source>Still working</source>
        <translation>仍在处理</translation>
    </message>
    <message>
        <source>A masking is already running; cancel it from the tray.</source>
        <translation>已有一次遮盖正在进行；可从托盘菜单取消。</translation>
    </message>
    <message>
        <source>Cloakroom is masking this text — paste again in a moment.</source>
        <translation>Cloakroom 正在遮盖这段文字——请稍后再粘贴。</translation>
    </message>
    <message>
        <source>The clipboard holds your original text again.</source>
        <translation>剪贴板已恢复为您的原文。</translation>
    </message>
    <message>
        <source>You copied something else meanwhile; it was left as it is.</source>
        <translation>您在此期间复制了其他内容，已保持原样。</translation>
    </message>
    <message>
        <source>Masking was cancelled; the clipboard holds your original text again.</source>
        <translation>遮盖已取消，剪贴板已恢复为您的原文。</translation>
    </message>
    <message>
        <source>Masking was cancelled; what you copied meanwhile was left as it is.</source>
        <translation>遮盖已取消，您在此期间复制的内容保持原样。</translation>
    </message>
    <message>
        <source>Clipboard changed</source>
        <translation>剪贴板已变化</translation>
    </message>
    <message>
        <source>You copied something else while Cloakroom was detecting; nothing was replaced.</source>
        <translation>检测期间您复制了其他内容，因此没有替换任何内容。</translation>
    </message>
    <message>
        <source>Nothing was masked</source>
        <translation>未遮盖任何内容</translation>
    </message>
    <message>
        <source>Masking…</source>
        <translation>正在遮盖…</translation>
    </message>
    <message>
        <source>Masking… chunk %1 of %2</source>
        <translation>正在遮盖… 第 %1 段，共 %2 段</translation>
    </message>
    <message>
        <source>Nothing to mask</source>
        <translation>没有需要遮盖的内容</translation>
    </message>
    <message>
        <source>No private data found; the clipboard is unchanged.</source>
        <translation>未发现隐私数据，剪贴板保持不变。</translation>
    </message>
    <message>
        <source>Clipboard masked</source>
        <translation>剪贴板已遮盖</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Nothing was restored</source>
        <translation>未还原任何内容</translation>
    </message>
    <message>
        <source>No known placeholders in the clipboard; it is unchanged.</source>
        <translation>剪贴板中没有已知的占位符，保持不变。</translation>
    </message>
    <message>
        <source>Nothing to restore</source>
        <translation>没有需要还原的内容</translation>
    </message>
    <message>
        <source>Clipboard restored</source>
        <translation>剪贴板已还原</translation>
    </message>
    <message>
        <source>Clipboard cleared</source>
        <translation>剪贴板已清除</translation>
    </message>
    <message>
        <source>Restored secrets were removed from the clipboard.</source>
        <translation>已从剪贴板中移除还原出的机密。</translation>
    </message>
    <message>
        <source>The clipboard changed since the offer.</source>
        <translation>提示出现后剪贴板已有变化。</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Detection is paused; resume it from the tray menu.</source>
        <translation>检测已暂停；可从托盘菜单恢复。</translation>
    </message>
    <message>
        <source>Nothing to do</source>
        <translation>无事可做</translation>
    </message>
    <message>
        <source>The clipboard holds no text.</source>
        <translation>剪贴板中没有文本。</translation>
    </message>
</context>
<context>
    <name>BackgroundJob</name>
    <message>
        <source>There was not enough memory. Close other programs or choose a smaller model.</source>
        <translation>内存不足。请关闭其他程序，或选择更小的模型。</translation>
    </message>
    <message>
        <source>A file operation failed: {reason}{where}.</source>
        <translation>文件操作失败：{reason}{where}。</translation>
    </message>
    <message>
        <source>It failed unexpectedly ({kind}).</source>
        <translation>意外失败（{kind}）。</translation>
    </message>
</context>
<context>
    <name>CloakroomApp</name>
    <message>
        <source>Masked text copied</source>
        <translation>已复制遮盖后的文本</translation>
    </message>
    <message>
        <source>Restored text copied</source>
        <translation>已复制还原后的文本</translation>
    </message>
    <message>
        <source>About Cloakroom</source>
        <translation>关于 Cloakroom</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cloakroom {version}&lt;/b&gt;&lt;br&gt;Keeps private data out of web chatbots: masks it before you paste, restores it in the answer. Everything stays on this computer.&lt;br&gt;&lt;br&gt;The detector model MemPrivacy (IAAR-Shanghai) is licensed CC BY-NC-ND 4.0 and is not part of Cloakroom; you obtain it yourself.</source>
        <translation>&lt;b&gt;Cloakroom {version}&lt;/b&gt;&lt;br&gt;让隐私数据远离网页聊天机器人：粘贴之前遮盖，在回答中再还原。一切都留在这台电脑上。&lt;br&gt;&lt;br&gt;检测模型 MemPrivacy（IAAR-Shanghai）采用 CC BY-NC-ND 4.0 许可，不属于 Cloakroom 的一部分，需由您自行获取。</translation>
    </message>
    <message>
        <source>Some hotkeys are not available</source>
        <translation>部分快捷键不可用</translation>
    </message>
    <message>
        <source>A hotkey is not available</source>
        <translation>有一个快捷键不可用</translation>
    </message>
</context>
<context>
    <name>ConvertPage</name>
    <message>
        <source>Convert the official weights</source>
        <translation>转换官方权重</translation>
    </message>
    <message>
        <source>Choose the size and the quantization; everything happens on this computer.</source>
        <translation>选择模型大小和量化方式；所有操作都在这台电脑上完成。</translation>
    </message>
    <message>
        <source>&amp;Convert</source>
        <translation>转换(&amp;C)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;Quantization:</source>
        <translation>量化方式(&amp;Q)：</translation>
    </message>
    <message>
        <source>&amp;Delete the downloaded weights when done</source>
        <translation>完成后删除下载的权重(&amp;D)</translation>
    </message>
    <message>
        <source>They are only needed to convert again, for example to another quantization. Keeping them saves the download next time.</source>
        <translation>只有再次转换（例如换一种量化）时才需要它们。保留它们可以省去下次下载。</translation>
    </message>
    <message>
        <source>{name} — needs {ram:g} GB of RAM or more</source>
        <translation>{name} — 需要 {ram:g} GB 或更多内存</translation>
    </message>
    <message>
        <source>(recommended for this computer)</source>
        <translation>（推荐用于这台电脑）</translation>
    </message>
    <message>
        <source>Cloakroom downloads the official weights of {repo} (about {weights}), converts them to GGUF here (about {intermediate} of temporary space), quantizes them to {quant} (about {result}) and checks that the result loads, with Cloakroom&apos;s own converter (nothing else to install). It needs about {total} of free space; {free} are free. Expect it to take a while: tens of minutes on a laptop.</source>
        <translation>Cloakroom 会下载 {repo} 的官方权重（约 {weights}），在本机用 Cloakroom 自带的转换器转换为 GGUF（约需 {intermediate} 临时空间，无需另外安装任何东西），量化为 {quant}（约 {result}），并检查结果能否加载。共需约 {total} 可用空间；当前可用 {free}。这需要一些时间：在笔记本电脑上约几十分钟。</translation>
    </message>
    <message>
        <source>The downloaded weights stay in the cache folder afterwards.</source>
        <translation>下载的权重之后会保留在缓存文件夹中。</translation>
    </message>
    <message>
        <source>The weights and intermediate files are deleted afterwards.</source>
        <translation>权重和中间文件之后会被删除。</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <source>There is no text to process (the input is empty).</source>
        <translation>没有可处理的文本（输入为空）。</translation>
    </message>
    <message>
        <source>The input contains NUL characters: it looks like binary data, not text.</source>
        <translation>输入中含有 NUL 字符：看起来是二进制数据，而不是文本。</translation>
    </message>
    <message>
        <source>The input is mostly control characters: it looks like binary data, not text.</source>
        <translation>输入大部分是控制字符：看起来是二进制数据，而不是文本。</translation>
    </message>
    <message>
        <source>The input contains broken Unicode (unpaired surrogate characters).</source>
        <translation>输入中含有损坏的 Unicode（未配对的代理字符）。</translation>
    </message>
    <message>
        <source>The input is not UTF-8 text (binary data, or another encoding).</source>
        <translation>输入不是 UTF-8 文本（二进制数据或其他编码）。</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消，未做任何更改。</translation>
    </message>
    <message>
        <source>a GPU with %1: the 4B model fits at Q8_0</source>
        <translation>显卡有 %1，4B 模型以 Q8_0 也能放下</translation>
    </message>
    <message>
        <source>a GPU with %1: the 4B model fits</source>
        <translation>显卡有 %1，放得下 4B 模型</translation>
    </message>
    <message>
        <source>%1 of RAM: the 4B model fits</source>
        <translation>内存 %1，放得下 4B 模型</translation>
    </message>
    <message>
        <source>%1 of RAM: the 1.7B model leaves room for other programs</source>
        <translation>内存 %1，1.7B 模型能给其他程序留出空间</translation>
    </message>
    <message>
        <source>little memory: the smallest model</source>
        <translation>内存较少，选用最小的模型</translation>
    </message>
    <message>
        <source>Only %1 of RAM: even the 1.7B model may not fit beside other programs.</source>
        <translation>内存只有 %1：即使是 1.7B 模型，与其他程序同时运行时也可能放不下。</translation>
    </message>
    <message>
        <source>A GPU is present but this llama.cpp build has no GPU backend; reinstall llama-cpp-python with CUDA, Metal or Vulkan to use it.</source>
        <translation>检测到显卡，但此 llama.cpp 版本没有 GPU 后端；要使用显卡，请重新安装带 CUDA、Metal 或 Vulkan 的 llama-cpp-python。</translation>
    </message>
    <message>
        <source>The text is too large (%1 characters; the limit is %2). Split it and try again.</source>
        <translation>文本过大（%1 个字符，上限为 %2）。请拆分后重试。</translation>
    </message>
</context>
<context>
    <name>DetectionWorker</name>
    <message>
        <source>No model is set up: rules detection only.</source>
        <translation>尚未设置模型：仅使用规则检测。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>The model could not be loaded (%1).</source>
        <translation>无法加载模型（%1）。</translation>
    </message>
    <message>
        <source>Model ready.</source>
        <translation>模型已就绪。</translation>
    </message>
    <message>
        <source>Model unloaded to free memory; it loads again when needed.</source>
        <translation>已卸载模型以释放内存；需要时会重新加载。</translation>
    </message>
    <message>
        <source>Detection failed unexpectedly (%1).</source>
        <translation>检测意外失败（%1）。</translation>
    </message>
    <message>
        <source>The review window (Ctrl+Alt+R) shows what the rules found, and can mask that.</source>
        <translation>审阅窗口（Ctrl+Alt+R）会显示规则找到的内容，并可以遮盖它们。</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>正在检测…</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>All set</source>
        <translation>全部就绪</translation>
    </message>
    <message>
        <source>Copy text and press &lt;b&gt;{mask}&lt;/b&gt; to mask it, or &lt;b&gt;{review}&lt;/b&gt; to review it first. Copy the chatbot&apos;s answer and press &lt;b&gt;{unmask}&lt;/b&gt; to put the real values back.</source>
        <translation>复制文本后按 &lt;b&gt;{mask}&lt;/b&gt; 即可遮盖，或按 &lt;b&gt;{review}&lt;/b&gt; 先审阅。复制聊天机器人的回答后按 &lt;b&gt;{unmask}&lt;/b&gt;，即可放回真实的值。</translation>
    </message>
    <message>
        <source>Cloakroom is ready</source>
        <translation>Cloakroom 已就绪</translation>
    </message>
    <message>
        <source>The model is set up and runs on this computer only.</source>
        <translation>模型已设置好，只在这台电脑上运行。</translation>
    </message>
    <message>
        <source>Nothing changed</source>
        <translation>没有更改</translation>
    </message>
    <message>
        <source>Cloakroom keeps using the model it had.</source>
        <translation>Cloakroom 继续使用原来的模型。</translation>
    </message>
    <message>
        <source>Rules only, for now</source>
        <translation>暂时仅使用规则</translation>
    </message>
    <message>
        <source>You can add the model whenever you like.</source>
        <translation>您可以随时添加模型。</translation>
    </message>
    <message>
        <source>Cloakroom will mask what its rules recognise: e-mail addresses, phone, card and account numbers, ID numbers, keys, passwords and codes with a known shape. Names and details written in words need the model: set it up later in &lt;b&gt;Settings → Model → Set up a model…&lt;/b&gt;</source>
        <translation>Cloakroom 会遮盖其规则能识别的内容：电子邮箱、电话号码、银行卡号和账号、证件号码、密钥、密码，以及格式固定的验证码。以文字写出的姓名和细节需要模型才能识别：稍后可在 &lt;b&gt;设置 → 模型 → 设置模型…&lt;/b&gt; 中设置。</translation>
    </message>
    <message>
        <source>Cloakroom will use &lt;b&gt;{name}&lt;/b&gt; ({size}, {arch}, {quant}) from {folder}. The rules detector runs as well. The model loads when Cloakroom starts; you can change it in Settings → Model.</source>
        <translation>Cloakroom 将使用 {folder} 中的 &lt;b&gt;{name}&lt;/b&gt;（{size}，{arch}，{quant}）。规则检测器也会同时运行。模型在 Cloakroom 启动时加载；可在 设置 → 模型 中更改。</translation>
    </message>
</context>
<context>
    <name>DownloadPage</name>
    <message>
        <source>Download a GGUF from Hugging Face</source>
        <translation>从 Hugging Face 下载 GGUF</translation>
    </message>
    <message>
        <source>Name the repository and the file; Cloakroom checks it before using it.</source>
        <translation>填写仓库和文件名；Cloakroom 会在使用前检查该文件。</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <source>owner/name, e.g. my-org/MemPrivacy-4B-RL-GGUF</source>
        <translation>所有者/名称，例如 my-org/MemPrivacy-4B-RL-GGUF</translation>
    </message>
    <message>
        <source>file name, e.g. MemPrivacy-4B-RL-Q4_K_M.gguf</source>
        <translation>文件名，例如 MemPrivacy-4B-RL-Q4_K_M.gguf</translation>
    </message>
    <message>
        <source>optional: 64 hex digits, checked besides what the repository says</source>
        <translation>可选：64 位十六进制数字，除仓库公布的校验值外另行核对</translation>
    </message>
    <message>
        <source>&amp;Repository:</source>
        <translation>仓库(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <source>Re&amp;vision:</source>
        <translation>版本(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;SHA-256:</source>
        <translation>SHA-256(&amp;S)：</translation>
    </message>
    <message>
        <source>The authors publish no GGUF of MemPrivacy, and its licence forbids sharing one. Use this for a file you may download, such as your organisation&apos;s own conversion.</source>
        <translation>作者没有发布 MemPrivacy 的 GGUF 文件，其许可也禁止分享转换后的文件。此方式适用于您有权下载的文件，例如您所在组织自行转换的文件。</translation>
    </message>
    <message>
        <source>The file goes to {folder} ({free} free). Cloakroom checks the free space first, resumes an interrupted download, verifies the checksum the repository publishes, and loads the file once before using it.</source>
        <translation>文件将保存到 {folder}（可用 {free}）。Cloakroom 会先检查可用空间，中断后可续传，校验仓库公布的校验和，并在使用前加载一次该文件。</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose a GGUF file</source>
        <translation>选择 GGUF 文件</translation>
    </message>
    <message>
        <source>Cloakroom reads its header and loads it once with llama.cpp before using it.</source>
        <translation>使用前，Cloakroom 会读取文件头，并用 llama.cpp 加载一次。</translation>
    </message>
    <message>
        <source>Path to a .gguf file</source>
        <translation>.gguf 文件的路径</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Or one already in Cloakroom&apos;s models folder:</source>
        <translation>或选择 Cloakroom 模型文件夹中已有的文件：</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>请选择…</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checking the file: reading its header and loading it once…</source>
        <translation>正在检查文件：读取文件头并加载一次…</translation>
    </message>
    <message>
        <source>llama.cpp loads this model: it can be used.</source>
        <translation>llama.cpp 能加载此模型：可以使用。</translation>
    </message>
    <message>
        <source>Choose another file.</source>
        <translation>请选择其他文件。</translation>
    </message>
</context>
<context>
    <name>Findings</name>
    <message>
        <source>rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>you</source>
        <translation>您</translation>
    </message>
    <message>
        <source>always-mask list</source>
        <translation>始终遮盖列表</translation>
    </message>
    <message>
        <source>Masked</source>
        <translation>已遮盖</translation>
    </message>
    <message>
        <source>Masked (by you)</source>
        <translation>已遮盖（由您）</translation>
    </message>
    <message>
        <source>Kept (by you)</source>
        <translation>已保留（由您）</translation>
    </message>
    <message>
        <source>Kept (below threshold)</source>
        <translation>已保留（低于阈值）</translation>
    </message>
    <message>
        <source>Kept (your settings)</source>
        <translation>已保留（您的设置）</translation>
    </message>
</context>
<context>
    <name>FindingsList</name>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Found by</source>
        <translation>发现者</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>检出项</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <source>Cloakroom help</source>
        <translation>Cloakroom 帮助</translation>
    </message>
    <message>
        <source>Hotkeys on this computer</source>
        <translation>本机上的快捷键</translation>
    </message>
</context>
<context>
    <name>HotkeyGuidance</name>
    <message>
        <source>Mask the clipboard</source>
        <translation>遮盖剪贴板</translation>
    </message>
    <message>
        <source>Unmask the clipboard</source>
        <translation>还原剪贴板</translation>
    </message>
    <message>
        <source>Open Cloakroom&apos;s review window</source>
        <translation>打开 Cloakroom 的审阅窗口</translation>
    </message>
    <message>
        <source>Open Settings → Keyboard → View and Customize Shortcuts → Custom Shortcuts, press &apos;+&apos;, and add one shortcut per command below.</source>
        <translation>打开“设置 → 键盘 → 查看及自定义快捷键 → 自定义快捷键”，点击“+”，为下面的每条命令各添加一个快捷键。</translation>
    </message>
    <message>
        <source>Open Budgie Control Center → Keyboard → Custom Shortcuts and add one shortcut per command below.</source>
        <translation>打开“Budgie 控制中心 → 键盘 → 自定义快捷键”，为下面的每条命令各添加一个快捷键。</translation>
    </message>
    <message>
        <source>Open System Settings → Keyboard → Shortcuts, choose &apos;Add New&apos; → &apos;Command or Script&apos; (Plasma 6; on Plasma 5: System Settings → Shortcuts → Custom Shortcuts → Edit → New → Global Shortcut → Command/URL), and add one shortcut per command below.</source>
        <translation>打开“系统设置 → 键盘 → 快捷键”，选择“添加新项 → 命令或脚本”（Plasma 6；Plasma 5 中为：系统设置 → 快捷键 → 自定义快捷键 → 编辑 → 新建 → 全局快捷键 → 命令/URL），为下面的每条命令各添加一个快捷键。</translation>
    </message>
    <message>
        <source>Open Settings → Keyboard → Application Shortcuts, press &apos;Add&apos;, and enter each command below.</source>
        <translation>打开“设置 → 键盘 → 应用程序快捷键”，点击“添加”，逐条输入下面的命令。</translation>
    </message>
    <message>
        <source>Open System Settings → Keyboard → Shortcuts → Custom Shortcuts → &apos;Add custom shortcut&apos; for each command below.</source>
        <translation>打开“系统设置 → 键盘 → 快捷键 → 自定义快捷键”，为下面的每条命令点击“添加自定义快捷键”。</translation>
    </message>
    <message>
        <source>Open Control Center → Keyboard Shortcuts, press &apos;Add&apos;, and enter each command below.</source>
        <translation>打开“控制中心 → 键盘快捷键”，点击“添加”，逐条输入下面的命令。</translation>
    </message>
    <message>
        <source>Open LXQt Configuration Center → Shortcut Keys, press &apos;Add&apos;, and enter each command below.</source>
        <translation>打开“LXQt 配置中心 → 快捷键”，点击“添加”，逐条输入下面的命令。</translation>
    </message>
    <message>
        <source>Add lines like these to ~/.config/sway/config, then reload sway:</source>
        <translation>在 ~/.config/sway/config 中加入类似下面的几行，然后重新加载 sway：</translation>
    </message>
    <message>
        <source>Add lines like these to ~/.config/hypr/hyprland.conf:</source>
        <translation>在 ~/.config/hypr/hyprland.conf 中加入类似下面的几行：</translation>
    </message>
    <message>
        <source>Open your desktop&apos;s keyboard settings, add a custom shortcut for each command below:</source>
        <translation>打开桌面环境的键盘设置，为下面的每条命令添加一个自定义快捷键：</translation>
    </message>
    <message>
        <source>Create a desktop shortcut to each command below, open its Properties, and set &apos;Shortcut key&apos; (Windows only accepts Ctrl+Alt+&lt;key&gt; there).</source>
        <translation>为下面的每条命令创建一个桌面快捷方式，打开其“属性”，设置“快捷键”（Windows 在此只接受 Ctrl+Alt+&lt;键&gt;）。</translation>
    </message>
    <message>
        <source>Create a Quick Action in Automator or a shortcut in the Shortcuts app that runs each command below (&apos;Run Shell Script&apos;), then assign it a key in System Settings → Keyboard → Keyboard Shortcuts → Services.</source>
        <translation>在“自动操作”中创建快速操作，或在“快捷指令”App 中创建快捷指令，分别运行下面的每条命令（“运行 Shell 脚本”），然后在“系统设置 → 键盘 → 键盘快捷键 → 服务”中为其指定按键。</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>Shown with a %1.</source>
        <translation>以%1标示。</translation>
    </message>
    <message>
        <source>Kept (not masked)</source>
        <translation>已保留（未遮盖）</translation>
    </message>
    <message>
        <source>Hatched: found, but left in the text — by you, by the threshold or by your settings.</source>
        <translation>斜线底纹：已发现，但留在文本中 — 由您、阈值或您的设置决定。</translation>
    </message>
</context>
<context>
    <name>Levels</name>
    <message>
        <source>Preferences</source>
        <translation>偏好习惯</translation>
    </message>
    <message>
        <source>Identifiable</source>
        <translation>可识别</translation>
    </message>
    <message>
        <source>Highly sensitive</source>
        <translation>高度敏感</translation>
    </message>
    <message>
        <source>Secrets</source>
        <translation>机密</translation>
    </message>
    <message>
        <source>dash-dot underline</source>
        <translation>点划下划线</translation>
    </message>
    <message>
        <source>dotted underline</source>
        <translation>点状下划线</translation>
    </message>
    <message>
        <source>dashed underline</source>
        <translation>虚线下划线</translation>
    </message>
    <message>
        <source>wavy underline</source>
        <translation>波浪下划线</translation>
    </message>
    <message>
        <source>Credentials and critical secrets: usable at once for account takeover or loss.</source>
        <translation>凭据与关键机密：可被直接用于接管账户或造成损失。</translation>
    </message>
    <message>
        <source>Highly sensitive: identity documents, finances, health, precise location, private records.</source>
        <translation>高度敏感：身份证件、财务、健康、精确位置、私人记录。</translation>
    </message>
    <message>
        <source>Identifiable: names, contact details, addresses, accounts and other identifiers.</source>
        <translation>可识别：姓名、联系方式、地址、账号及其他标识。</translation>
    </message>
    <message>
        <source>Preferences and habits: never extracted; may stay in the text.</source>
        <translation>偏好与习惯：从不提取，可以留在文本中。</translation>
    </message>
</context>
<context>
    <name>LicencePage</name>
    <message>
        <source>The MemPrivacy model and its licence</source>
        <translation>MemPrivacy 模型及其许可</translation>
    </message>
    <message>
        <source>What you are about to get, on what terms, and which size suits this computer.</source>
        <translation>您将获取什么、遵循哪些条款，以及哪个大小适合这台电脑。</translation>
    </message>
    <message>
        <source>MemPrivacy, by IAAR-Shanghai and MemTensor, is a language model trained to find private data at four levels, from identifiable details (PL2) to credentials and secrets (PL4), in English and Chinese. It comes in two sizes: 4B, the most accurate, and 1.7B for computers with less memory.</source>
        <translation>MemPrivacy 由 IAAR-Shanghai 与 MemTensor 开发，是一个经过训练、能在英文和中文中发现隐私数据的语言模型，按四个等级划分，从可识别信息（PL2）到凭据与机密（PL4）。它有两种大小：最准确的 4B，以及适合内存较少电脑的 1.7B。</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>这台电脑</translation>
    </message>
    <message>
        <source>Checking memory, processor and graphics card…</source>
        <translation>正在检查内存、处理器和显卡…</translation>
    </message>
    <message>
        <source>&amp;Measure the speed on this computer</source>
        <translation>在这台电脑上测量速度(&amp;M)</translation>
    </message>
    <message>
        <source>Runs stand-ins of each model size for about half a minute and recommends from the seconds they take, not from memory alone.</source>
        <translation>用各个模型尺寸的替身运行约半分钟，根据实际耗时（而不只是内存大小）给出推荐。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Licence: CC BY-NC-ND 4.0&lt;/b&gt; — {name} (&lt;a href=&quot;{url}&quot;&gt;read it&lt;/a&gt;)</source>
        <translation>&lt;b&gt;许可：CC BY-NC-ND 4.0&lt;/b&gt; — {name}（&lt;a href=&quot;{url}&quot;&gt;阅读全文&lt;/a&gt;）</translation>
    </message>
    <message>
        <source>Cloakroom does not include the model and never uploads it. You obtain it yourself, onto this computer, for non-commercial use only, crediting its authors — and a file you download or convert here is for your own use: do not share it.</source>
        <translation>Cloakroom 不包含该模型，也从不上传它。您需自行将其获取到这台电脑上，仅限非商业用途，并注明作者 — 您在这里下载或转换的文件仅供自己使用：请勿分享。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;: needs {ram:g} GB of RAM or more; about {size} at {quant}.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;：需要 {ram:g} GB 或更多内存；{quant} 量化时约 {size}。</translation>
    </message>
    <message>
        <source>The hardware check failed; the 4B model is the default.</source>
        <translation>硬件检查失败；默认使用 4B 模型。</translation>
    </message>
    <message>
        <source>on the graphics card</source>
        <translation>在显卡上</translation>
    </message>
    <message>
        <source>on the processor</source>
        <translation>在处理器上</translation>
    </message>
    <message>
        <source>Recommended here: &lt;b&gt;{model} at {quant}&lt;/b&gt; (about {size}), running {where}. &lt;i&gt;Why: {reason}.&lt;/i&gt;</source>
        <translation>本机推荐：&lt;b&gt;{model}，{quant} 量化&lt;/b&gt;（约 {size}），{where}运行。&lt;i&gt;原因：{reason}。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation>正在测量…</translation>
    </message>
    <message>
        <source>Measuring… {done} of {total}</source>
        <translation>正在测量… {done}/{total}</translation>
    </message>
    <message>
        <source>The measurement failed: {reason}</source>
        <translation>测量失败：{reason}</translation>
    </message>
    <message>
        <source>&amp;Measure again</source>
        <translation>重新测量(&amp;M)</translation>
    </message>
    <message>
        <source>Recommended from the measurement: &lt;b&gt;{model} at {quant}&lt;/b&gt;, about {seconds:.0f} s for a short chat message. &lt;i&gt;Why: the most accurate option that fits in memory and stays within {target:.0f} s.&lt;/i&gt;</source>
        <translation>根据测量推荐：&lt;b&gt;{model}，{quant}&lt;/b&gt;，一条简短聊天消息约 {seconds:.0f} 秒。&lt;i&gt;原因：这是内存放得下、且不超过 {target:.0f} 秒的最准确选项。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Recommended from the measurement: &lt;b&gt;{model} at {quant}&lt;/b&gt;, the fastest here.</source>
        <translation>根据测量推荐：&lt;b&gt;{model}，{quant}&lt;/b&gt;，这是本机最快的选项。</translation>
    </message>
    <message>
        <source>No option masks a short chat message within {target:.0f} s on this computer; the fastest takes about {seconds:.0f} s. The rules still mask at once; the model adds its findings when it is done.</source>
        <translation>在这台电脑上，没有哪个选项能在 {target:.0f} 秒内处理一条简短聊天消息；最快的约需 {seconds:.0f} 秒。规则仍会立即遮盖；模型完成后再补充它的发现。</translation>
    </message>
</context>
<context>
    <name>MaskAsDialog</name>
    <message>
        <source>Mask as</source>
        <translation>遮盖为</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>类型(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>等级(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Mask</source>
        <translation>遮盖(&amp;M)</translation>
    </message>
    <message>
        <source>Every occurrence of the selected text will be masked with a placeholder named after this type.</source>
        <translation>所选文本的每一处出现都会被替换为以该类型命名的占位符。</translation>
    </message>
</context>
<context>
    <name>MaskTab</name>
    <message>
        <source>Which levels are masked in this text. Items you masked or kept by hand stay as you set them.</source>
        <translation>此文本中遮盖哪些等级。您手动遮盖或保留的项目保持您的设置。</translation>
    </message>
    <message>
        <source>Paste or type the text to mask…</source>
        <translation>粘贴或输入要遮盖的文本…</translation>
    </message>
    <message>
        <source>Text to mask</source>
        <translation>要遮盖的文本</translation>
    </message>
    <message>
        <source>The masked text appears here.</source>
        <translation>遮盖后的文本显示在这里。</translation>
    </message>
    <message>
        <source>Masked preview</source>
        <translation>遮盖预览</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Model %p%</source>
        <translation>模型 %p%</translation>
    </message>
    <message>
        <source>The model is checking this text; rules findings are already shown.</source>
        <translation>模型正在检查此文本；规则的检出项已显示。</translation>
    </message>
    <message>
        <source>Model progress</source>
        <translation>模型进度</translation>
    </message>
    <message>
        <source>&amp;Stop model</source>
        <translation>停止模型(&amp;S)</translation>
    </message>
    <message>
        <source>Stop the model&apos;s check of this text; rules findings stay.</source>
        <translation>停止模型对此文本的检查；规则的检出项会保留。</translation>
    </message>
    <message>
        <source>Mask &amp;as…</source>
        <translation>遮盖为(&amp;A)…</translation>
    </message>
    <message>
        <source>Mask the selected text as a type you choose (Ctrl+M).</source>
        <translation>将所选文本按您选择的类型遮盖（Ctrl+M）。</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清空(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Copy masked</source>
        <translation>复制遮盖结果(&amp;C)</translation>
    </message>
    <message>
        <source>Save the placeholders, then copy the masked text (Ctrl+Enter).</source>
        <translation>先保存占位符，再复制遮盖后的文本（Ctrl+Enter）。</translation>
    </message>
    <message>
        <source>&amp;Keep or mask the item at the cursor</source>
        <translation>保留或遮盖光标处的项目(&amp;K)</translation>
    </message>
    <message>
        <source>PL4 only — %1</source>
        <translation>仅 PL4 — %1</translation>
    </message>
    <message>
        <source>%1 and above — %2</source>
        <translation>%1 及以上 — %2</translation>
    </message>
    <message>
        <source>Mask &amp;from:</source>
        <translation>遮盖起始等级(&amp;F)：</translation>
    </message>
    <message>
        <source>Click an item in the text (or press Space here) to keep or mask it; select text and press Ctrl+M to add one.</source>
        <translation>点击文本中的项目（或在此按空格键）可保留或遮盖它；选中文本后按 Ctrl+M 可添加新项。</translation>
    </message>
    <message>
        <source>Te&amp;xt to mask</source>
        <translation>要遮盖的文本(&amp;X)</translation>
    </message>
    <message>
        <source>Masked &amp;preview</source>
        <translation>遮盖预览(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Findings</source>
        <translation>检出项(&amp;F)</translation>
    </message>
    <message>
        <source>part %1 of %2</source>
        <translation>第 %1 部分，共 %2 部分</translation>
    </message>
    <message>
        <source>Model check stopped. Only rules findings and your changes are shown.</source>
        <translation>模型检查已停止。仅显示规则的检出项和您的更改。</translation>
    </message>
    <message>
        <source>Rules only</source>
        <translation>仅规则</translation>
    </message>
    <message>
        <source>No detector model in this window: only the rules find items.</source>
        <translation>此窗口没有检测模型：仅由规则查找项目。</translation>
    </message>
    <message>
        <source>Rules only (no model)</source>
        <translation>仅规则（无模型）</translation>
    </message>
    <message>
        <source>Model loading…</source>
        <translation>模型加载中…</translation>
    </message>
    <message>
        <source>Model ready</source>
        <translation>模型已就绪</translation>
    </message>
    <message>
        <source>Model checking…</source>
        <translation>模型检查中…</translation>
    </message>
    <message numerus="yes">
        <source>%n found so far</source>
        <translation>
            <numerusform>目前已找到 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>Rules findings are shown.</source>
        <translation>已显示规则的检出项。</translation>
    </message>
    <message>
        <source>The model could not check this text: %1</source>
        <translation>模型无法检查此文本：%1</translation>
    </message>
    <message>
        <source>Model check stopped.</source>
        <translation>模型检查已停止。</translation>
    </message>
    <message numerus="yes">
        <source>Incomplete: %n item(s) the model found before it stopped are shown, but it did not read the whole text; check the rest yourself.</source>
        <translation>
            <numerusform>结果不完整：已显示模型停止前找到的 %n 项，但它没有读完全文；请自行检查其余部分。</numerusform>
        </translation>
    </message>
    <message>
        <source>Model unavailable</source>
        <translation>模型不可用</translation>
    </message>
    <message>
        <source>The cursor is not on a highlighted item.</source>
        <translation>光标不在高亮的项目上。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a type and its level</comment>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>Kept unmasked: %1.</source>
        <translation>已保留不遮盖：%1。</translation>
    </message>
    <message>
        <source>Masked again: %1.</source>
        <translation>已重新遮盖：%1。</translation>
    </message>
    <message>
        <source>Select the text to mask first, then choose Mask as…</source>
        <translation>请先选中要遮盖的文本，再选择“遮盖为…”</translation>
    </message>
    <message>
        <source>The text changed meanwhile; select the text again.</source>
        <translation>文本在此期间已更改；请重新选择文本。</translation>
    </message>
    <message>
        <source>Masked as %1.</source>
        <translation>已遮盖为 %1。</translation>
    </message>
    <message>
        <source>&amp;Keep unmasked</source>
        <translation>保留不遮盖(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Mask again</source>
        <translation>重新遮盖(&amp;M)</translation>
    </message>
    <message>
        <source>There is no text to mask.</source>
        <translation>没有要遮盖的文本。</translation>
    </message>
    <message>
        <source>Nothing was copied: %1</source>
        <translation>未复制任何内容：%1</translation>
    </message>
    <message>
        <source>Copied the masked text.</source>
        <translation>已复制遮盖后的文本。</translation>
    </message>
    <message>
        <source>The model was still checking: only the findings shown were masked.</source>
        <translation>模型仍在检查：只遮盖了当前显示的检出项。</translation>
    </message>
    <message>
        <source>Becomes %1</source>
        <translation>替换为 %1</translation>
    </message>
    <message>
        <source>Click to keep it unmasked.</source>
        <translation>点击可保留不遮盖。</translation>
    </message>
    <message>
        <source>Click to mask it.</source>
        <translation>点击可遮盖。</translation>
    </message>
    <message>
        <source>Paste or type text to see what will be masked.</source>
        <translation>粘贴或输入文本，即可查看将遮盖哪些内容。</translation>
    </message>
    <message>
        <source>Nothing will be masked.</source>
        <translation>不会遮盖任何内容。</translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) will be masked: %1.</source>
        <translation>
            <numerusform>将遮盖 %n 个值：%1。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) kept.</source>
        <translation>
            <numerusform>保留 %n 个值。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageLabel</name>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
</context>
<context>
    <name>ModelStatus</name>
    <message>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <source>weights {size}</source>
        <translation>权重 {size}</translation>
    </message>
    <message>
        <source>context cache {size}</source>
        <translation>上下文缓存 {size}</translation>
    </message>
    <message>
        <source>Cloakroom in all {size}</source>
        <translation>Cloakroom 共计 {size}</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CPU (GPU layers set to 0)</source>
        <translation>CPU（GPU 层数设为 0）</translation>
    </message>
    <message>
        <source>GPU when it fits, else the CPU</source>
        <translation>放得下时用 GPU，否则用 CPU</translation>
    </message>
    <message>
        <source>CPU (this llama.cpp has no GPU support)</source>
        <translation>CPU（此 llama.cpp 不支持 GPU）</translation>
    </message>
    <message>
        <source>It found nothing in the sample.</source>
        <translation>在示例中什么也没发现。</translation>
    </message>
    <message>
        <source>It found %n item(s) in the sample: %1.</source>
        <translation>在示例中发现 %n 项：%1。</translation>
    </message>
    <message>
        <source>&amp;Test the model</source>
        <translation>测试模型(&amp;T)</translation>
    </message>
    <message>
        <source>Load the model, find the private data in a made-up sample, free it.</source>
        <translation>加载模型，在虚构的示例中查找隐私数据，然后释放模型。</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Runs on:</source>
        <translation>运行于：</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>内存：</translation>
    </message>
    <message>
        <source>Asked with:</source>
        <translation>提问方式：</translation>
    </message>
    <message>
        <source>Speed:</source>
        <translation>速度：</translation>
    </message>
    <message>
        <source>None set up — only the rules detector runs.</source>
        <translation>尚未设置 — 仅运行规则检测器。</translation>
    </message>
    <message>
        <source>not loaded now</source>
        <translation>当前未加载</translation>
    </message>
    <message>
        <source>Cannot use it: {reason}</source>
        <translation>无法使用：{reason}</translation>
    </message>
    <message>
        <source>not measured yet — Test measures it</source>
        <translation>尚未测量——点击“测试”即可测量</translation>
    </message>
    <message>
        <source>estimated about {short:.0f} s for a short chat message, {email:.0f} s for a 2 KB e-mail (measured on stand-ins)</source>
        <translation>估计：一条简短聊天消息约 {short:.0f} 秒，一封 2 KB 邮件约 {email:.0f} 秒（用替身测得）</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>S&amp;top test</source>
        <translation>停止测试(&amp;T)</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Finding private data in the sample…</source>
        <translation>正在示例中查找隐私数据…</translation>
    </message>
    <message>
        <source>It loaded, but the detection failed: {reason}</source>
        <translation>已加载，但检测失败：{reason}</translation>
    </message>
    <message>
        <source>Loaded and answered in {seconds:.1f} s.</source>
        <translation>加载并作答用时 {seconds:.1f} 秒。</translation>
    </message>
    <message>
        <source>{memory} (measured during the test)</source>
        <translation>{memory}（测试期间测得）</translation>
    </message>
    <message>
        <source>a short chat message took {seconds:.1f} s in the test</source>
        <translation>测试中一条简短聊天消息用了 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>{real}; the estimate was about {estimate:.0f} s</source>
        <translation>{real}；估计值约为 {estimate:.0f} 秒</translation>
    </message>
    <message>
        <source>The test failed: {reason}</source>
        <translation>测试失败：{reason}</translation>
    </message>
    <message>
        <source>Test stopped.</source>
        <translation>测试已停止。</translation>
    </message>
</context>
<context>
    <name>ModelTrial</name>
    <message>
        <source>Hi, this is Dana Reyes. Please send the contract to dana.reyes@example.org or call me on +1 415 555 0134. My login code is 482913 and the wifi password is Tr0ub4dor&amp;3.</source>
        <translation>你好，我是张小测。请把合同发到 zhang.xiaoce@example.org，或打电话 13800138000 找我。我的登录验证码是 482913，Wi-Fi 密码是 Tr0ub4dor&amp;3。</translation>
    </message>
    <message>
        <source>Its answer was not a complete list of findings: it ran on to the answer limit or broke the expected format.</source>
        <translation>它的回答不是一份完整的检出列表：要么达到了回答长度上限，要么不符合预期格式。</translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <source>Error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <source>Warning: </source>
        <translation>警告：</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Getting the model</source>
        <translation>正在获取模型</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>重试(&amp;T)</translation>
    </message>
    <message>
        <source>Downloading the model</source>
        <translation>正在下载模型</translation>
    </message>
    <message>
        <source>{file} from {repo}. You can use the computer meanwhile.</source>
        <translation>来自 {repo} 的 {file}。期间可以照常使用电脑。</translation>
    </message>
    <message>
        <source>Keep an unfinished download, so the next try resumes where it stopped</source>
        <translation>保留未完成的下载，下次从中断处继续</translation>
    </message>
    <message>
        <source>Converting the official weights</source>
        <translation>正在转换官方权重</translation>
    </message>
    <message>
        <source>{model} at {quant}, on this computer. You can use it meanwhile.</source>
        <translation>{model}，{quant} 量化，在这台电脑上进行。期间可以照常使用电脑。</translation>
    </message>
    <message>
        <source>Keep the downloaded weights after a stop or failure, so the next try resumes instead of downloading them again</source>
        <translation>停止或失败后保留已下载的权重，下次继续而不必重新下载</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>The model is ready: {name} ({size}, {arch}, {quant}).</source>
        <translation>模型已就绪：{name}（{size}，{arch}，{quant}）。</translation>
    </message>
    <message>
        <source>Stopped by an error</source>
        <translation>因错误而停止</translation>
    </message>
    <message>
        <source>Try again, or go Back to change the details.</source>
        <translation>请重试，或返回上一步修改设置。</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source> What was downloaded is kept for the next try.</source>
        <translation>已下载的部分会保留供下次使用。</translation>
    </message>
    <message>
        <source>Stopped; nothing unfinished was left in the models folder.</source>
        <translation>已停止；模型文件夹中没有留下未完成的文件。</translation>
    </message>
</context>
<context>
    <name>ProgressToast</name>
    <message>
        <source>Masking the clipboard…</source>
        <translation>正在遮盖剪贴板…</translation>
    </message>
    <message>
        <source>Until it is done, pasting gives a short notice, never your text.</source>
        <translation>完成之前，粘贴只会得到一条简短提示，绝不会是您的原文。</translation>
    </message>
    <message>
        <source>Masking progress</source>
        <translation>遮盖进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop masking and put your original text back on the clipboard.</source>
        <translation>停止遮盖，并把原文放回剪贴板。</translation>
    </message>
</context>
<context>
    <name>PromptStatus</name>
    <message>
        <source>Cloakroom&apos;s own: the official prompt is not installed, so the model may find less than it can. “Set up a model…” fetches it.</source>
        <translation>Cloakroom 自带的：官方提示词尚未安装，模型可能找不全。“设置模型…”可以获取它。</translation>
    </message>
    <message>
        <source>the official MemPrivacy prompt</source>
        <translation>MemPrivacy 官方提示词</translation>
    </message>
    <message>
        <source>the official MemPrivacy prompt, evaluation form</source>
        <translation>MemPrivacy 官方提示词（评测版）</translation>
    </message>
    <message>
        <source>Cloakroom&apos;s own (your choice)</source>
        <translation>Cloakroom 自带的（您的选择）</translation>
    </message>
    <message>
        <source>the model card&apos;s short form (your choice)</source>
        <translation>模型卡片上的简短格式（您的选择）</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>提示词：%1</translation>
    </message>
</context>
<context>
    <name>RestoreOfferToast</name>
    <message>
        <source>Not now</source>
        <translation>暂不</translation>
    </message>
    <message numerus="yes">
        <source>The text you copied holds %n placeholder(s) Cloakroom can restore.</source>
        <translation>
            <numerusform>您复制的文字含有 %n 个 Cloakroom 可以还原的占位符。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&amp;Restore %n value(s)</source>
        <translation>
            <numerusform>还原 %n 个值(&amp;R)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <source>Cloakroom — Review</source>
        <translation>Cloakroom — 审阅</translation>
    </message>
    <message>
        <source>&amp;Mask</source>
        <translation>遮盖(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Unmask</source>
        <translation>还原(&amp;U)</translation>
    </message>
    <message>
        <source>Mask private data before pasting into a chatbot (Ctrl+1).</source>
        <translation>在粘贴到聊天机器人之前遮盖隐私数据（Ctrl+1）。</translation>
    </message>
    <message>
        <source>Restore the values in a chatbot&apos;s answer (Ctrl+2).</source>
        <translation>还原聊天机器人回答中的值（Ctrl+2）。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Cloakroom settings</source>
        <translation>Cloakroom 设置</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>常规(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Detection</source>
        <translation>检测(&amp;D)</translation>
    </message>
    <message>
        <source>M&amp;odel</source>
        <translation>模型(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Hotkeys</source>
        <translation>快捷键(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Vault</source>
        <translation>保管库(&amp;V)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Windows opened from now on use the new language; the review window changes when it is next opened.</source>
        <translation>此后打开的窗口使用新语言；审阅窗口在下次打开时切换。</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Show a notification after masking and restoring</source>
        <translation>遮盖和还原后显示通知</translation>
    </message>
    <message>
        <source>Start Cloakroom when I log in</source>
        <translation>登录时启动 Cloakroom</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Clear restored text holding PL4 secrets from the clipboard after this.</source>
        <translation>还原出的文本含有 PL4 机密时，在此时间后将其从剪贴板清除。</translation>
    </message>
    <message>
        <source>Clear restored &amp;secrets after:</source>
        <translation>还原的机密清除时间(&amp;S)：</translation>
    </message>
    <message>
        <source>While the model works, paste the rules-only masked text</source>
        <translation>模型工作期间，粘贴仅经规则遮盖的文字</translation>
    </message>
    <message>
        <source>Off: until masking is done, pasting gives a short notice. On: it gives the text with what the rules found already masked; names, addresses and other values only the model finds are not masked yet.</source>
        <translation>关闭：遮盖完成前，粘贴只得到一条简短提示。开启：粘贴得到已遮盖规则检出项的文字；只有模型能找到的姓名、地址等值此时尚未遮盖。</translation>
    </message>
    <message>
        <source>Offer to restore when I copy text with known placeholders</source>
        <translation>复制含有已知占位符的文字时，提示我还原</translation>
    </message>
    <message>
        <source>When you copy a chatbot&apos;s answer that holds placeholders from this vault, a notification offers &quot;Restore N values&quot;: one click unmasks it, without the hotkey. Nothing is restored unless you click.</source>
        <translation>当您复制含有本保管库占位符的聊天机器人回答时，会弹出提示&quot;还原 N 个值&quot;：点一下即可还原，无需快捷键。您不点击就不会还原任何内容。</translation>
    </message>
    <message>
        <source>Mask &amp;from level:</source>
        <translation>遮盖起始等级(&amp;F)：</translation>
    </message>
    <message>
        <source>Helps the model tell your name from other people&apos;s</source>
        <translation>帮助模型区分您的姓名和他人的姓名</translation>
    </message>
    <message>
        <source>Your real &amp;name:</source>
        <translation>您的真实姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>Per-type overrides (empty: follow the level):</source>
        <translation>按类型覆盖（留空：按等级处理）：</translation>
    </message>
    <message>
        <source>One value per line, never masked</source>
        <translation>每行一个值，这些值从不遮盖</translation>
    </message>
    <message>
        <source>One value per line, always masked; optional “| Type”</source>
        <translation>每行一个值，这些值始终遮盖；可选“| 类型”（类型用英文名）</translation>
    </message>
    <message>
        <source>&amp;Allow-list</source>
        <translation>允许列表(&amp;A)</translation>
    </message>
    <message>
        <source>Al&amp;ways mask</source>
        <translation>始终遮盖(&amp;W)</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>follow level</source>
        <translation>按等级</translation>
    </message>
    <message>
        <source>always mask</source>
        <translation>始终遮盖</translation>
    </message>
    <message>
        <source>never mask</source>
        <translation>从不遮盖</translation>
    </message>
    <message>
        <source>Use the detector model (rules always run)</source>
        <translation>使用检测模型（规则始终运行）</translation>
    </message>
    <message>
        <source>No model yet — use “Set up a model…”</source>
        <translation>尚无模型 — 请使用“设置模型…”</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Set &amp;up a model…</source>
        <translation>设置模型(&amp;U)…</translation>
    </message>
    <message>
        <source>Model &amp;file:</source>
        <translation>模型文件(&amp;F)：</translation>
    </message>
    <message>
        <source>Current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>Automatic: the official prompt when installed</source>
        <translation>自动：已安装时使用官方提示词</translation>
    </message>
    <message>
        <source>Official prompt</source>
        <translation>官方提示词</translation>
    </message>
    <message>
        <source>Official prompt, evaluation form</source>
        <translation>官方提示词（评测版）</translation>
    </message>
    <message>
        <source>Cloakroom&apos;s own prompt</source>
        <translation>Cloakroom 自己的提示词</translation>
    </message>
    <message>
        <source>Model card&apos;s short form</source>
        <translation>模型卡片中的简短格式</translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>提示词(&amp;P)：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>&amp;GPU layers:</source>
        <translation>GPU 层数(&amp;G)：</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>CPU &amp;threads:</source>
        <translation>CPU 线程数(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Context size (tokens):</source>
        <translation>上下文长度（词元）(&amp;C)：</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>&amp;Unload when idle after:</source>
        <translation>空闲多久后卸载(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Mask clipboard:</source>
        <translation>遮盖剪贴板(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Unmask clipboard:</source>
        <translation>还原剪贴板(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Review window:</source>
        <translation>审阅窗口(&amp;R)：</translation>
    </message>
    <message>
        <source>All hotkeys are registered.</source>
        <translation>所有快捷键均已注册。</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>If a hotkey cannot be registered on your desktop, bind these commands in its keyboard settings:</source>
        <translation>如果快捷键无法在您的桌面环境中注册，请在其键盘设置中绑定以下命令：</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <source>OS keyring</source>
        <translation>系统密钥环</translation>
    </message>
    <message>
        <source>passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Protected by:</source>
        <translation>保护方式：</translation>
    </message>
    <message>
        <source>Saved placeholders:</source>
        <translation>已保存的占位符：</translation>
    </message>
    <message>
        <source>keep forever</source>
        <translation>永久保留</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Forget placeholders not used for this many days.</source>
        <translation>遗忘超过此天数未使用的占位符。</translation>
    </message>
    <message>
        <source>Forget &amp;unused after:</source>
        <translation>未使用多久后遗忘(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Wipe everything…</source>
        <translation>全部清除(&amp;W)…</translation>
    </message>
    <message>
        <source>Use a &amp;passphrase instead…</source>
        <translation>改用口令(&amp;P)…</translation>
    </message>
    <message>
        <source>Change &amp;passphrase…</source>
        <translation>更改口令(&amp;P)…</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>Wipe the vault?</source>
        <translation>清空保管库？</translation>
    </message>
    <message>
        <source>Every saved placeholder is forgotten: text masked before can no longer be restored. Your name and lists are kept.</source>
        <translation>所有已保存的占位符都将被遗忘：之前遮盖的文本将无法再还原。您的姓名和列表会保留。</translation>
    </message>
    <message>
        <source>Vault wiped</source>
        <translation>保管库已清空</translation>
    </message>
    <message numerus="yes">
        <source>%n placeholder(s) forgotten.</source>
        <translation>
            <numerusform>已遗忘 %n 个占位符。</numerusform>
        </translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新口令</translation>
    </message>
    <message>
        <source>New passphrase (8 characters or more):</source>
        <translation>新口令（至少 8 个字符）：</translation>
    </message>
    <message>
        <source>Type it again:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>Passphrase not changed</source>
        <translation>口令未更改</translation>
    </message>
    <message>
        <source>The passphrases differ or are shorter than 8 characters.</source>
        <translation>两次输入的口令不一致，或少于 8 个字符。</translation>
    </message>
    <message>
        <source>Passphrase changed</source>
        <translation>口令已更改</translation>
    </message>
    <message>
        <source>The vault now opens with the new passphrase.</source>
        <translation>保管库现在使用新口令打开。</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Checking free space and tools</source>
        <translation>正在检查可用空间和工具</translation>
    </message>
    <message>
        <source>Fetching llama.cpp&apos;s converter</source>
        <translation>正在获取 llama.cpp 的转换工具</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <source>Verifying the checksum</source>
        <translation>正在校验校验和</translation>
    </message>
    <message>
        <source>Converting to GGUF</source>
        <translation>正在转换为 GGUF</translation>
    </message>
    <message>
        <source>Quantizing</source>
        <translation>正在量化</translation>
    </message>
    <message>
        <source>Checking that llama.cpp loads it</source>
        <translation>正在检查 llama.cpp 能否加载</translation>
    </message>
    <message>
        <source>Deleting intermediate files</source>
        <translation>正在删除中间文件</translation>
    </message>
    <message>
        <source>recommended: small and close to the original</source>
        <translation>推荐：体积小，接近原始精度</translation>
    </message>
    <message>
        <source>a little smaller than Q4_K_M, a little worse</source>
        <translation>比 Q4_K_M 略小，效果略差</translation>
    </message>
    <message>
        <source>between Q4_K_M and Q6_K</source>
        <translation>介于 Q4_K_M 与 Q6_K 之间</translation>
    </message>
    <message>
        <source>nearly lossless</source>
        <translation>几乎无损</translation>
    </message>
    <message>
        <source>practically lossless, twice the size of Q4_K_M</source>
        <translation>实际上无损，体积是 Q4_K_M 的两倍</translation>
    </message>
    <message>
        <source>unquantized, half precision</source>
        <translation>未量化，半精度</translation>
    </message>
    <message>
        <source>unquantized, the official weights&apos; own precision</source>
        <translation>未量化，官方权重自身的精度</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>不到一分钟</translation>
    </message>
    <message>
        <source>about {minutes} min</source>
        <translation>约 {minutes} 分钟</translation>
    </message>
    <message>
        <source>about {hours} h {minutes} min</source>
        <translation>约 {hours} 小时 {minutes} 分钟</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>{rate}/s</source>
        <translation>{rate}/秒</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Short chat message</source>
        <translation>简短聊天消息</translation>
    </message>
    <message>
        <source>2 KB e-mail</source>
        <translation>2 KB 邮件</translation>
    </message>
    <message>
        <source>about {seconds:.0f} s</source>
        <translation>约 {seconds:.0f} 秒</translation>
    </message>
    <message>
        <source>does not fit in memory</source>
        <translation>内存放不下</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{physical} processor cores</source>
        <translation>{physical} 个处理器核心</translation>
    </message>
    <message>
        <source>{names}, which this llama.cpp cannot use</source>
        <translation>{names}（此 llama.cpp 无法使用）</translation>
    </message>
    <message>
        <source>none that llama.cpp can use</source>
        <translation>没有 llama.cpp 可用的显卡</translation>
    </message>
    <message>
        <source>{ram} of RAM · {cores} · graphics card: {gpu}</source>
        <translation>内存 {ram} · {cores} · 显卡：{gpu}</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化方式</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Embedding length</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <source>GGUF version</source>
        <translation>GGUF 版本</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量数</translation>
    </message>
    <message>
        <source>Set up Cloakroom</source>
        <translation>设置 Cloakroom</translation>
    </message>
    <message>
        <source>Set up Cloakroom — stopping…</source>
        <translation>设置 Cloakroom — 正在停止…</translation>
    </message>
</context>
<context>
    <name>SourcePage</name>
    <message>
        <source>Where should the model come from?</source>
        <translation>模型从哪里来？</translation>
    </message>
    <message>
        <source>Each ends with the same checks: the file must be a GGUF model that llama.cpp loads.</source>
        <translation>每种方式最后都做同样的检查：文件必须是 llama.cpp 能加载的 GGUF 模型。</translation>
    </message>
    <message>
        <source>&amp;A GGUF file I already have</source>
        <translation>我已有的 GGUF 文件(&amp;A)</translation>
    </message>
    <message>
        <source>Choose a .gguf file on this computer, for example one you converted before.</source>
        <translation>选择这台电脑上的 .gguf 文件，例如您以前转换的文件。</translation>
    </message>
    <message>
        <source>&amp;Download a GGUF from Hugging Face</source>
        <translation>从 Hugging Face 下载 GGUF(&amp;D)</translation>
    </message>
    <message>
        <source>Name a repository and file you trust. The download resumes after an interruption and is verified.</source>
        <translation>填写您信任的仓库和文件。下载中断后可续传，并会经过校验。</translation>
    </message>
    <message>
        <source>&amp;Convert the official weights on this computer</source>
        <translation>在这台电脑上转换官方权重(&amp;C)</translation>
    </message>
    <message>
        <source>Downloads the authors&apos; weights (about 8 GB for 4B), converts and quantizes them here, then deletes what is no longer needed. The way to get MemPrivacy itself: its authors publish no GGUF.</source>
        <translation>下载作者发布的权重（4B 约 8 GB），在本机转换并量化，然后删除不再需要的文件。这是获取 MemPrivacy 本身的途径：作者没有发布 GGUF 文件。</translation>
    </message>
</context>
<context>
    <name>StageList</name>
    <message>
        <source>to do</source>
        <translation>待进行</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Cloakroom starts with default settings this time.</source>
        <translation>Cloakroom 这次将使用默认设置启动。</translation>
    </message>
</context>
<context>
    <name>Summaries</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Nothing to mask.</source>
        <translation>没有需要遮盖的内容。</translation>
    </message>
    <message>
        <source>%n item(s) masked: %1</source>
        <translation>已遮盖 %n 项：%1</translation>
    </message>
    <message>
        <source>%n placeholder(s) restored.</source>
        <translation>已还原 %n 个占位符。</translation>
    </message>
    <message>
        <source>%n could not be resolved: %1.</source>
        <translation>%n 个无法还原：%1。</translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message>
        <source>Try the model</source>
        <translation>试用模型</translation>
    </message>
    <message>
        <source>Cloakroom loads the model and looks for private data in a made-up sample.</source>
        <translation>Cloakroom 加载模型，并在一段虚构的示例中查找隐私数据。</translation>
    </message>
    <message>
        <source>Sample text</source>
        <translation>示例文本</translation>
    </message>
    <message>
        <source>Sample (made up):</source>
        <translation>示例（虚构）：</translation>
    </message>
    <message>
        <source>Test &amp;again</source>
        <translation>再次测试(&amp;A)</translation>
    </message>
    <message>
        <source>Found text</source>
        <translation>发现的文本</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>The authors&apos; prompt</source>
        <translation>作者的提示词</translation>
    </message>
    <message>
        <source>MemPrivacy was trained with its authors&apos; prompt and finds the most with it; Cloakroom uses it whenever it is installed. It is licensed CC BY-NC-ND 4.0 too, so it is not included: for a MemPrivacy model Cloakroom fetches it from the authors&apos; GitHub repository (two files, 25 kB) and keeps it only if it is exactly the published file. Without it the model is asked in Cloakroom&apos;s own words.</source>
        <translation>MemPrivacy 是用作者的提示词训练的，用它时找得最全；只要已安装，Cloakroom 就会使用它。它同样采用 CC BY-NC-ND 4.0 许可，因此不随软件附带：对于 MemPrivacy 模型，Cloakroom 会从作者的 GitHub 仓库获取它（两个文件，25 kB），并且只在与发布的文件完全一致时才保留。没有它时，Cloakroom 用自己的话向模型提问。</translation>
    </message>
    <message>
        <source>&amp;Fetch the official prompt</source>
        <translation>获取官方提示词(&amp;F)</translation>
    </message>
    <message>
        <source>The official prompt is installed and verified.</source>
        <translation>官方提示词已安装并通过校验。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Looking for private data in the sample…</source>
        <translation>正在示例中查找隐私数据…</translation>
    </message>
    <message>
        <source>The model loaded, but the test did not succeed.</source>
        <translation>模型已加载，但测试未成功。</translation>
    </message>
    <message numerus="yes">
        <source>The model found %n item(s) in the sample.</source>
        <translation>
            <numerusform>模型在示例中发现了 %n 项。</numerusform>
        </translation>
    </message>
    <message>
        <source>The model found nothing in the sample.</source>
        <translation>模型在示例中什么也没发现。</translation>
    </message>
    <message>
        <source>Ran on {device} · {memory} · loaded and answered in {seconds:.1f} s</source>
        <translation>运行于 {device} · {memory} · 加载并作答用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>The test did not succeed.</source>
        <translation>测试未成功。</translation>
    </message>
    <message>
        <source>Test stopped.</source>
        <translation>测试已停止。</translation>
    </message>
    <message>
        <source>A MemPrivacy model finds the name, the e-mail address, the phone number, the code and the password here. If this one does not, it may not be a privacy-detection model. You can still use it (the rules always run as well), or go Back and choose another.</source>
        <translation>MemPrivacy 模型能在这里找出姓名、电子邮箱、电话号码、验证码和密码。如果这个模型找不出，它可能不是隐私检测模型。您仍可使用它（规则也始终会运行），或返回上一步另选一个。</translation>
    </message>
    <message>
        <source>Fetching the official prompt…</source>
        <translation>正在获取官方提示词…</translation>
    </message>
    <message>
        <source>The official prompt is installed and verified: the model is asked with it from now on.</source>
        <translation>官方提示词已安装并通过校验：从现在起用它向模型提问。</translation>
    </message>
    <message>
        <source>%1 Until it is fetched, the model is asked in Cloakroom&apos;s own words and may find less.</source>
        <translation>%1 在获取之前，Cloakroom 用自己的话向模型提问，可能找不全。</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>&amp;Mask clipboard</source>
        <translation>遮盖剪贴板(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Unmask clipboard</source>
        <translation>还原剪贴板(&amp;U)</translation>
    </message>
    <message>
        <source>Open &amp;review window</source>
        <translation>打开审阅窗口(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Cancel detection</source>
        <translation>取消检测(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Pause detection</source>
        <translation>暂停检测(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Set up the &amp;model…</source>
        <translation>设置模型(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Cloakroom</source>
        <translation>关于 Cloakroom(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>TypeLabels</name>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Verification Code</source>
        <translation>验证码</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Private Key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>Payment Security Code</source>
        <translation>支付安全码</translation>
    </message>
    <message>
        <source>Database Connection String</source>
        <translation>数据库连接串</translation>
    </message>
    <message>
        <source>Vulnerability Details</source>
        <translation>漏洞详情</translation>
    </message>
    <message>
        <source>Business Secret</source>
        <translation>商业机密</translation>
    </message>
    <message>
        <source>Session Token</source>
        <translation>会话令牌</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>Backup Code</source>
        <translation>备用码</translation>
    </message>
    <message>
        <source>Recovery Code</source>
        <translation>恢复码</translation>
    </message>
    <message>
        <source>Security Question (Answer)</source>
        <translation>密保问题（答案）</translation>
    </message>
    <message>
        <source>Internal IP</source>
        <translation>内网 IP</translation>
    </message>
    <message>
        <source>Intranet Entry Point</source>
        <translation>内网入口</translation>
    </message>
    <message>
        <source>Project/Task ID</source>
        <translation>项目/任务编号</translation>
    </message>
    <message>
        <source>Project Code</source>
        <translation>项目代号</translation>
    </message>
    <message>
        <source>Classified Information</source>
        <translation>涉密信息</translation>
    </message>
    <message>
        <source>ID Number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Financial Account</source>
        <translation>金融账户</translation>
    </message>
    <message>
        <source>Transaction Record</source>
        <translation>交易记录</translation>
    </message>
    <message>
        <source>Assets/Income</source>
        <translation>资产/收入</translation>
    </message>
    <message>
        <source>Medical Health</source>
        <translation>医疗健康</translation>
    </message>
    <message>
        <source>Precise Location</source>
        <translation>精确位置</translation>
    </message>
    <message>
        <source>Itinerary/Trajectory</source>
        <translation>行程/轨迹</translation>
    </message>
    <message>
        <source>Biometrics</source>
        <translation>生物特征</translation>
    </message>
    <message>
        <source>Communication Content</source>
        <translation>通信内容</translation>
    </message>
    <message>
        <source>Sensitive Identity</source>
        <translation>敏感身份</translation>
    </message>
    <message>
        <source>Judicial Record</source>
        <translation>司法记录</translation>
    </message>
    <message>
        <source>Passport Number</source>
        <translation>护照号码</translation>
    </message>
    <message>
        <source>Driver&apos;s License Number</source>
        <translation>驾驶证号码</translation>
    </message>
    <message>
        <source>Bank/Payment Card Number</source>
        <translation>银行卡/支付卡号</translation>
    </message>
    <message>
        <source>License Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <source>Credit Score</source>
        <translation>信用评分</translation>
    </message>
    <message>
        <source>Debt/Loan Info</source>
        <translation>债务/贷款信息</translation>
    </message>
    <message>
        <source>Medical Record</source>
        <translation>病历</translation>
    </message>
    <message>
        <source>Religious Beliefs</source>
        <translation>宗教信仰</translation>
    </message>
    <message>
        <source>Political Views/Stance</source>
        <translation>政治观点/立场</translation>
    </message>
    <message>
        <source>Minor Information</source>
        <translation>未成年人信息</translation>
    </message>
    <message>
        <source>Accommodation Records</source>
        <translation>住宿记录</translation>
    </message>
    <message>
        <source>Real Name</source>
        <translation>真实姓名</translation>
    </message>
    <message>
        <source>Phone Number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <source>Detailed Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <source>Account ID/Username</source>
        <translation>账号/用户名</translation>
    </message>
    <message>
        <source>Network Identifier</source>
        <translation>网络标识</translation>
    </message>
    <message>
        <source>Identity Background</source>
        <translation>身份背景</translation>
    </message>
    <message>
        <source>Relationship Info</source>
        <translation>关系信息</translation>
    </message>
    <message>
        <source>Third-Party Identifiable Info</source>
        <translation>第三方可识别信息</translation>
    </message>
    <message>
        <source>IP Address</source>
        <translation>IP 地址</translation>
    </message>
    <message>
        <source>Job Title/Rank</source>
        <translation>职位/职级</translation>
    </message>
    <message>
        <source>Employer/Company Name</source>
        <translation>雇主/公司名称</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Specific Age</source>
        <translation>具体年龄</translation>
    </message>
    <message>
        <source>Specific Date of Birth</source>
        <translation>具体出生日期</translation>
    </message>
    <message>
        <source>Device ID</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Zip Code</source>
        <translation>邮政编码</translation>
    </message>
    <message>
        <source>Work Address</source>
        <translation>工作地址</translation>
    </message>
    <message>
        <source>Private Info</source>
        <translation>隐私信息</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>UnmaskTab</name>
    <message>
        <source>Paste the chatbot&apos;s answer with placeholders such as &lt;Email_1&gt;…</source>
        <translation>粘贴聊天机器人带有占位符（如 &lt;Email_1&gt;）的回答…</translation>
    </message>
    <message>
        <source>Answer to restore</source>
        <translation>要还原的回答</translation>
    </message>
    <message>
        <source>The restored text appears here.</source>
        <translation>还原后的文本显示在这里。</translation>
    </message>
    <message>
        <source>Restored text</source>
        <translation>还原后的文本</translation>
    </message>
    <message>
        <source>Placeholders that could not be restored</source>
        <translation>无法还原的占位符</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清空(&amp;L)</translation>
    </message>
    <message>
        <source>Copy &amp;restored</source>
        <translation>复制还原结果(&amp;R)</translation>
    </message>
    <message>
        <source>Copy the restored text, marked so clipboard managers do not keep it (Ctrl+Enter).</source>
        <translation>复制还原后的文本，并加上标记，使剪贴板管理器不保留它（Ctrl+Enter）。</translation>
    </message>
    <message>
        <source>&amp;Answer from the chatbot</source>
        <translation>聊天机器人的回答(&amp;A)</translation>
    </message>
    <message>
        <source>Rewritten placeholders such as &lt;Email 1&gt; or [Email_1] are found too.</source>
        <translation>被改写的占位符（如 &lt;Email 1&gt; 或 [Email_1]）也能识别。</translation>
    </message>
    <message>
        <source>Restored &amp;text</source>
        <translation>还原后的文本(&amp;T)</translation>
    </message>
    <message>
        <source>There is no answer to restore.</source>
        <translation>没有要还原的回答。</translation>
    </message>
    <message>
        <source>The clipboard could not be written (%1).</source>
        <translation>无法写入剪贴板（%1）。</translation>
    </message>
    <message>
        <source>Copied the restored text.</source>
        <translation>已复制还原后的文本。</translation>
    </message>
    <message>
        <source>Restored from %1</source>
        <translation>由 %1 还原</translation>
    </message>
    <message numerus="yes">
        <source>Warning: %n placeholder(s) could not be restored.</source>
        <translation>
            <numerusform>警告：%n 个占位符无法还原。</numerusform>
        </translation>
    </message>
    <message>
        <source>This vault holds no value for it: it may come from another device or a wiped vault, or the chatbot made it up. It is left as it is:</source>
        <translation>此保管库中没有它对应的值：它可能来自另一台设备或已清空的保管库，也可能是聊天机器人编造的。它会保持原样：</translation>
    </message>
    <message>
        <source>Not restored: this vault does not know this placeholder.</source>
        <translation>未还原：此保管库不认识这个占位符。</translation>
    </message>
    <message>
        <source>Paste an answer to restore the values it holds.</source>
        <translation>粘贴回答即可还原其中的值。</translation>
    </message>
    <message numerus="yes">
        <source>%n placeholder(s) restored.</source>
        <translation>
            <numerusform>已还原 %n 个占位符。</numerusform>
        </translation>
    </message>
    <message>
        <source>Highest level: %1.</source>
        <translation>最高等级：%1。</translation>
    </message>
</context>
<context>
    <name>VaultDialogs</name>
    <message>
        <source>Enter the passphrase of your Cloakroom vault:</source>
        <translation>请输入 Cloakroom 保管库的口令：</translation>
    </message>
    <message>
        <source>Your system has no secure keyring, so Cloakroom protects its vault with a passphrase.
Choose one (you will need it each time Cloakroom starts):</source>
        <translation>您的系统没有安全的密钥环，因此 Cloakroom 用口令保护其保管库。
请设置一个口令（每次启动 Cloakroom 时都需要输入）：</translation>
    </message>
    <message>
        <source>Cloakroom vault</source>
        <translation>Cloakroom 保管库</translation>
    </message>
    <message>
        <source>Use at least 8 characters.</source>
        <translation>请至少使用 8 个字符。</translation>
    </message>
    <message>
        <source>Type the passphrase again:</source>
        <translation>请再次输入口令：</translation>
    </message>
    <message>
        <source>The two passphrases differ; try again.</source>
        <translation>两次输入的口令不一致，请重试。</translation>
    </message>
    <message>
        <source>Cloakroom cannot open its vault</source>
        <translation>Cloakroom 无法打开保管库</translation>
    </message>
    <message>
        <source>Wrong passphrase</source>
        <translation>口令错误</translation>
    </message>
    <message>
        <source>The vault is damaged</source>
        <translation>保管库已损坏</translation>
    </message>
    <message>
        <source>Cloakroom can move the damaged file aside (it is kept, renamed, next to the vault) and start a new, empty vault. Placeholders masked before cannot be restored with the new vault.</source>
        <translation>Cloakroom 可以把损坏的文件移到一旁（改名后保留在保管库旁边），并新建一个空的保管库。之前遮盖的占位符无法用新保管库还原。</translation>
    </message>
    <message>
        <source>Move aside and start a new vault</source>
        <translation>移到一旁并新建保管库</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Cloakroom</source>
        <translation>欢迎使用 Cloakroom</translation>
    </message>
    <message>
        <source>Keep private data out of chatbots, on this computer.</source>
        <translation>在这台电脑上，让隐私数据远离聊天机器人。</translation>
    </message>
    <message>
        <source>Masks before you paste, restores after.</source>
        <translation>粘贴前遮盖，回答后还原。</translation>
    </message>
    <message>
        <source>Cloakroom replaces private data in text you copy — names, contact details, ID and card numbers, passwords, one-time codes — with placeholders before you paste it into a web chatbot, and puts the real values back into the chatbot&apos;s answer.</source>
        <translation>在您把复制的文本粘贴到网页聊天机器人之前，Cloakroom 会把其中的隐私数据 — 姓名、联系方式、证件号和卡号、密码、一次性验证码 — 替换为占位符，并在聊天机器人的回答中放回真实的值。</translation>
    </message>
    <message>
        <source>Two detectors.</source>
        <translation>两种检测器。</translation>
    </message>
    <message>
        <source>Built-in rules, always on, catch what has a fixed shape: e-mail addresses, phone and card numbers, keys. A language model, MemPrivacy, also understands context: names, addresses, health details and secrets written in words.</source>
        <translation>内置规则始终开启，捕捉格式固定的内容：电子邮箱、电话号码、卡号、密钥。语言模型 MemPrivacy 还能理解上下文：姓名、地址、健康状况，以及用文字写出的机密。</translation>
    </message>
    <message>
        <source>Nothing leaves this computer.</source>
        <translation>数据不会离开这台电脑。</translation>
    </message>
    <message>
        <source>The model runs here. The only network access Cloakroom ever makes is a download you start in this assistant.</source>
        <translation>模型在本机运行。Cloakroom 唯一的联网操作，是您在此向导中主动开始的下载。</translation>
    </message>
    <message>
        <source>A few minutes to an hour.</source>
        <translation>几分钟到一小时。</translation>
    </message>
    <message>
        <source>This assistant gets the model (1.3 to 2.5 GB) onto this computer, checks it and tries it. How long that takes depends on the source you choose.</source>
        <translation>此向导会把模型（1.3 到 2.5 GB）获取到这台电脑上，检查并试用它。所需时间取决于您选择的来源。</translation>
    </message>
    <message>
        <source>&amp;Keep using {name}</source>
        <translation>继续使用 {name}(&amp;K)</translation>
    </message>
    <message>
        <source>Leaves the model as it is.</source>
        <translation>保持模型不变。</translation>
    </message>
    <message>
        <source>&amp;Skip — use rules only for now</source>
        <translation>跳过 — 暂时仅使用规则(&amp;S)</translation>
    </message>
    <message>
        <source>You can set the model up later in Settings → Model.</source>
        <translation>您可以稍后在 设置 → 模型 中设置模型。</translation>
    </message>
</context>
</TS>
