"""The setup assistant: get the detector model onto this computer, check it, try it — or skip it for now.

Pages: Welcome → Licence → Source → File | Download | Convert → Progress → Test → Done.

Modules: `wizard` (the assistant: navigation, shared state, background jobs, closing), `pages` (the pages where the
person chooses), `progress_page` (the download or conversion), `trial_page` (the test run), `widgets` (notices, the
stage list, the metadata table) and `texts` (translated labels and sentences built from the core's figures).

Why an assistant and not a settings field: the model is licensed CC BY-NC-ND 4.0, so Cloakroom cannot ship it; the
person fetches it (a download they start here, or a download and conversion on their own machine), which takes
gigabytes and minutes to hours. The assistant says so plainly, recommends a size for this computer, shows every stage
with a way to stop, and finally runs a detection on a made-up sample so the person sees it work.

Nothing here writes the settings file: `result_settings` returns them (``model_path`` set only to a file that passed
every check of `app.core.model_files.library`, ``first_run_done`` always True) and the app saves them when the assistant
is accepted — skipping accepts it too, so it does not come back at every start.

Every long step runs in a `BackgroundJob`. Cancelling (Stop, Cancel, closing the window) stops the job at its next
safe point; the core functions never leave a half-written model under a real name, and the unfinished ``.part``
download (or the kept weights of a conversion) is deleted too unless the person asks to keep it for resuming.
"""

from app.ui.setup.wizard import SetupWizard

__all__ = ["SetupWizard"]
