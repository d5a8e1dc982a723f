from django import forms

from carnet.transfers.package import MAX_PACKAGE

MAX_UPLOAD = MAX_PACKAGE


class PackageUploadForm(forms.Form):
    file = forms.FileField(
        label="Paquet de transfert (fichier .zip reçu de l'autre établissement)",
        help_text="300 Mo au plus. Il est vérifié (signature, empreintes) avant tout aperçu.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        error_messages={"required": "Choisissez le paquet de transfert à importer."},
    )
