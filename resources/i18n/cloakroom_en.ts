<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>MaskTab</name>
    <message numerus="yes">
        <source>%n found so far</source>
        <translation>
            <numerusform>%n found so far</numerusform>
            <numerusform>%n found so far</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Incomplete: %n item(s) the model found before it stopped are shown, but it did not read the whole text; check the rest yourself.</source>
        <translation>
            <numerusform>Incomplete: %n item the model found before it stopped is shown, but it did not read the whole text; check the rest yourself.</numerusform>
            <numerusform>Incomplete: %n items the model found before it stopped are shown, but it did not read the whole text; check the rest yourself.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) will be masked: %1.</source>
        <translation>
            <numerusform>%n value will be masked: %1.</numerusform>
            <numerusform>%n values will be masked: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) kept.</source>
        <translation>
            <numerusform>%n value kept.</numerusform>
            <numerusform>%n values kept.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RestoreOfferToast</name>
    <message numerus="yes">
        <source>The text you copied holds %n placeholder(s) Cloakroom can restore.</source>
        <translation>
            <numerusform>The text you copied holds %n placeholder Cloakroom can restore.</numerusform>
            <numerusform>The text you copied holds %n placeholders Cloakroom can restore.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&amp;Restore %n value(s)</source>
        <translation>
            <numerusform>&amp;Restore %n value</numerusform>
            <numerusform>&amp;Restore %n values</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n placeholder(s) forgotten.</source>
        <translation>
            <numerusform>%n placeholder forgotten.</numerusform>
            <numerusform>%n placeholders forgotten.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message numerus="yes">
        <source>The model found %n item(s) in the sample.</source>
        <translation>
            <numerusform>The model found %n item in the sample.</numerusform>
            <numerusform>The model found %n items in the sample.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnmaskTab</name>
    <message numerus="yes">
        <source>Warning: %n placeholder(s) could not be restored.</source>
        <translation>
            <numerusform>Warning: %n placeholder could not be restored.</numerusform>
            <numerusform>Warning: %n placeholders could not be restored.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n placeholder(s) restored.</source>
        <translation>
            <numerusform>%n placeholder restored.</numerusform>
            <numerusform>%n placeholders restored.</numerusform>
        </translation>
    </message>
</context>
</TS>
