# Builds the Windows installer: the PyInstaller bundle, then Inno Setup.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_installer.ps1 [-VCRedist C:\path\vc_redist.x64.exe]
#
# Needs: the project virtualenv in .venv with `pip install -e ".[build]"`, Inno Setup 6.3+ (ISCC.exe on PATH or in its
# default folder), and the Visual C++ 2015-2022 x64 runtime on this machine (PyInstaller copies its DLLs into the
# bundle). Output: dist\cloakroom-VERSION-windows-x64-setup.exe.
param([string]$VCRedist = "")
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Repo = Resolve-Path (Join-Path $PSScriptRoot "..\..")
$Python = Join-Path $Repo ".venv\Scripts\python.exe"
Set-Location $Repo

& $Python packaging\build_bundle.py --dist dist --work build
if ($LASTEXITCODE -ne 0) { throw "The bundle build or its checks failed." }

$Version = & $Python -c "import sys; sys.path.insert(0, 'packaging'); import build_bundle; print(build_bundle.project_version())"
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 is not installed (ISCC.exe not found)." }

# PyInstaller's work folder is <--work>\<spec name>: build.spec renders the icons into build\build\icons.
$Defines = @(
    "/DAppVersion=$Version",
    "/DBundleDir=$Repo\dist\cloakroom",
    "/DOutputDir=$Repo\dist",
    "/DIconFile=$Repo\build\build\icons\cloakroom.ico"
)
if ($VCRedist) { $Defines += "/DVCRedist=$(Resolve-Path $VCRedist)" }
& $Iscc @Defines packaging\windows\cloakroom.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed." }
