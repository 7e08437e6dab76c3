"""setImage (by id and lookup), embed=customerImage, the image file, deleteImage."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.customers import errors
from apps.customers.models import CustomerImage
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 60
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 80


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def tom(org):
    return CustomerFactory(org=org, mobile="919111111111")


def _upload(content=PNG, name="face.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_set_image_then_embed_download_and_delete(api_client, org, tom, media_root,
                                                 django_capture_on_commit_callbacks):
    # when
    response = api_client.post(f"/v2/customers/{tom.pk}/setImage", {"file": _upload()}, format="multipart")
    # then
    assert response.status_code == 200, response.json()
    item = response.json()["data"][0]
    assert (item["code"], item["status"], item["message"]) == (200, "true", "Successfully uploaded file")
    assert set(item["file"]) == {"acl", "fileSize", "fileHandle", "lastModified", "latestVersion", "name",
                                 "namespace", "s3Token", "version"}
    assert item["file"]["fileSize"] == str(len(PNG)) and item["file"]["namespace"] == "customerImage"
    image = CustomerImage.objects.get(pk=item["id"])
    assert (media_root / image.file.name).read_bytes() == PNG
    embedded = api_client.get(f"/v2/customers/{tom.pk}?source=INSTORE&embed=customerImage").json()["customerImage"]
    assert [e["id"] for e in embedded] == [image.pk] and embedded[0]["filePath"].endswith(
        f"/v2/customers/{tom.pk}/images/{image.pk}")
    download = api_client.get(f"/v2/customers/{tom.pk}/images/{image.pk}")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion commits
        deleted = api_client.delete(f"/v2/customers/{tom.pk}/deleteImage?image_ids={image.pk}")
    assert deleted.status_code == 200 and deleted.json()["status"] == "true"
    assert not CustomerImage.objects.exists() and not (media_root / image.file.name).exists()


def test_lookup_set_image_accepts_the_documented_FILE_key(api_client, tom):
    response = api_client.post("/v2/customers/lookup/setImage?source=INSTORE&identifierName=mobile"
                               "&identifierValue=919111111111", {"FILE": _upload(JPEG, "me.jpg", "image/jpeg")},
                               format="multipart")
    assert response.status_code == 200
    assert tom.images.get().content_type == "image/jpeg"


@pytest.mark.parametrize("files, code", [
    ({}, errors.ImageMissing.code),
    ({"file": _upload(b"\x89PNG", "tiny.png")}, errors.ImageTooSmall.code),
    ({"file": _upload(b"%PDF-1.7" + b"\x00" * 100, "doc.png")}, errors.ImageTypeInvalid.code),
])
def test_bad_images_are_refused(api_client, tom, files, code):
    before = db_snapshot()
    response = api_client.post(f"/v2/customers/{tom.pk}/setImage", files, format="multipart")
    assert response.status_code == 400 and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_size_and_count_limits_are_org_settings(api_client, org, tom, django_capture_on_commit_callbacks):
    def config(key, value):
        with django_capture_on_commit_callbacks(execute=True):  # the config cache is cleared on commit
            org_config_set(org=org, key=key, value=value)

    config("CONF_CUSTOMER_IMAGE_MAX_BYTES", "64")
    too_big = api_client.post(f"/v2/customers/{tom.pk}/setImage", {"file": _upload()}, format="multipart")
    assert too_big.status_code == 400 and v2_error_codes(too_big) == [errors.ImageTooLarge.code]
    config("CONF_CUSTOMER_IMAGE_MAX_BYTES", "100000")
    config("CONF_CUSTOMER_IMAGE_MAX_COUNT", "1")
    assert api_client.post(f"/v2/customers/{tom.pk}/setImage", {"file": _upload()}, format="multipart").status_code == 200
    second = api_client.post(f"/v2/customers/{tom.pk}/setImage", {"file": _upload()}, format="multipart")
    assert second.status_code == 400 and v2_error_codes(second) == [errors.ImageLimitReached.code]


@pytest.mark.parametrize("query", ["", "?image_ids=", "?image_ids=abc", "?image_ids=987654"])
def test_delete_without_a_valid_image_is_8078(api_client, tom, query):
    response = api_client.delete(f"/v2/customers/{tom.pk}/deleteImage{query}")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.ImageToDeleteMissing.code]
