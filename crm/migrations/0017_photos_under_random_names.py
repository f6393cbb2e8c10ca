"""Customer photos get random names (issue 19.6): new uploads through crm.photos.upload_path, and
every photo already stored under its uploader's file name is copied to a random name here.

The old files are removed only after the new names are committed, so a failure half-way leaves
every customer pointing at a file that exists. A photo whose file is missing, or that is not an
image we accept, keeps its name (the photo view answers 404 for it either way)."""

from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

import crm.photos


def rename_stored_photos(apps, schema_editor):
    Customer = apps.get_model("crm", "Customer")
    replaced = []
    customers = Customer.objects.exclude(photo="").exclude(photo__isnull=True).values_list("pk", "photo")
    for pk, name in customers.iterator(chunk_size=1000):
        if crm.photos.has_random_name(name) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            found = crm.photos.detect(handle)
            if found is None:
                continue
            new_name = default_storage.save(crm.photos.upload_path(None, f"photo.{found[1]}"), handle)
        Customer.objects.filter(pk=pk).update(photo=new_name)
        replaced.append(name)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in replaced])


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0016_name_company_duplicate_check_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="photo",
            field=models.ImageField(blank=True, upload_to=crm.photos.upload_path, verbose_name="photo"),
        ),
        migrations.RunPython(rename_stored_photos, migrations.RunPython.noop, elidable=True),
    ]
