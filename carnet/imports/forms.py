from django import forms

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UPLOAD_TOTAL = 250 * 1024 * 1024  # all the files of one upload together


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class SiecleUploadForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers SIECLE et STS-web (XML ou zip)",
        help_text=(
            "Élèves (ElevesSansAdresses.xml ou son zip), Nomenclature.xml, Structures.xml et "
            "l'export STS-web sts_emp_<UAI>_<année>.xml : un ou plusieurs à la fois, ou un zip "
            "qui les contient."
        ),
        error_messages={"required": "Choisissez au moins un fichier à importer."},
    )
