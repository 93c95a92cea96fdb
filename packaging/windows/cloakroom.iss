; Inno Setup 6.3+ script: the Cloakroom installer for Windows (x64), built from the PyInstaller bundle dist\cloakroom.
;
;   packaging\windows\build_installer.ps1          builds the bundle and runs ISCC with the right defines, or by hand:
;   iscc /DAppVersion=0.1.0 /DBundleDir=C:\src\cloakroom\dist\cloakroom /DIconFile=C:\src\cloakroom\build\build\icons\cloakroom.ico packaging\windows\cloakroom.iss
;
; Optional: /DVCRedist=C:\path\vc_redist.x64.exe also ships Microsoft's Visual C++ runtime installer and runs it when
; the runtime is missing (see packaging/README.md, "Windows: the MSVC runtime").
;
; Per-user install by default (no administrator rights); the user may choose all users. Start-menu entry, optional
; desktop icon and optional start at sign-in (the same Run value the app's own "Start at login" switch writes). On
; uninstall the user chooses whether the vault, settings and models stay (the default) or go.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build_installer.ps1 reads it from pyproject.toml)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\cloakroom"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "Cloakroom"
#define AppExe "cloakroom.exe"
; app/platform/autostart.py: WINDOWS_RUN_KEY and WINDOWS_VALUE_NAME.
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
#define RunValue "Cloakroom"
; app/core/vault/keys.py: KEYRING_SERVICE, the Credential Manager target of the vault key.
#define KeyringTarget "Cloakroom vault"

[Setup]
; Never change AppId: it is how a newer installer finds the installed version.
AppId={{54FC5B8C-6F4B-4880-8ACE-8F293CC934D3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Cloakroom
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=cloakroom-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; Closes a running Cloakroom (Restart Manager) before files are replaced or removed.
CloseApplications=yes
RestartApplications=no
#ifdef IconFile
SetupIconFile={#IconFile}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "autostart"; Description: "Start Cloakroom when I sign in"; GroupDescription: "Options:"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#ifdef VCRedist
Source: "{#VCRedist}"; DestDir: "{tmp}"; DestName: "vc_redist.x64.exe"; Flags: deleteafterinstall; Check: VCRuntimeMissing
#endif

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Mask private data before it reaches a chatbot"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The value the app writes itself (a quoted path); removed on uninstall in [Code] whoever wrote it.
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#RunValue}"; ValueData: """{app}\{#AppExe}"""; Tasks: autostart

[Run]
#ifdef VCRedist
Filename: "{tmp}\vc_redist.x64.exe"; Parameters: "/install /quiet /norestart"; StatusMsg: "Installing the Microsoft Visual C++ runtime..."; Flags: waituntilterminated; Check: VCRuntimeMissing
#endif
Filename: "{app}\{#AppExe}"; Description: "Start Cloakroom now"; Flags: nowait postinstall skipifsilent

[Code]
var
  RemoveUserData: Boolean;

function VCRuntimeMissing(): Boolean;
var
  Installed: Cardinal;
begin
  { Microsoft's documented detection key for the Visual C++ 2015-2022 x64 runtime. }
  Result := not (RegQueryDWordValue(HKLM64, 'SOFTWARE\Microsoft\VisualStudio\14.0\VC\Runtimes\X64', 'Installed', Installed)
                 and (Installed = 1));
end;

function CommandLineAsks(const Switch: String): Boolean;
var
  Index: Integer;
begin
  Result := False;
  for Index := 1 to ParamCount do
    if CompareText(ParamStr(Index), Switch) = 0 then
      Result := True;
end;

function InitializeUninstall(): Boolean;
begin
  { Silent uninstalls keep the data unless /REMOVEDATA is given: a script must never delete a vault by accident. }
  if UninstallSilent then
    RemoveUserData := CommandLineAsks('/REMOVEDATA')
  else
    RemoveUserData := MsgBox('Also delete your Cloakroom data?' + #13#10 + #13#10 +
      'This removes the vault (the originals behind your placeholders: masked text you pasted earlier can no longer ' +
      'be restored), your settings and the models you downloaded. Choose No to keep them for a later reinstall.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  Result := True;
end;

procedure DeleteVaultKey();
var
  ResultCode: Integer;
begin
  { The vault key the OS keyring (Credential Manager) holds. Harmless when there is none. }
  Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:"{#KeyringTarget}"', '', SW_HIDE, ewWaitUntilTerminated, ResultCode);
  Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:"LegacyGeneric:target={#KeyringTarget}"', '', SW_HIDE,
    ewWaitUntilTerminated, ResultCode);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, '{#RunKey}', '{#RunValue}');
  if (CurUninstallStep = usPostUninstall) and RemoveUserData then
  begin
    { platformdirs puts data, settings and cache under %LOCALAPPDATA%\Cloakroom (app/core/paths.py). }
    DelTree(ExpandConstant('{localappdata}\Cloakroom'), True, True, True);
    DeleteVaultKey();
  end;
end;
