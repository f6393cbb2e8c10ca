"""Backups: the commands, their failure paths, retention, and the page for each role."""

import io
import json
import os
import tarfile
import tracemalloc
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AuditEvent, User
from backups import crypto as backup_crypto
from backups import views as backup_views
from backups.files import sha256_of
from backups.models import Backup
from backups.postgres import Target, default_target, excluded_table_data
from backups.retention import backups_to_keep

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed data


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_PG_BIN_DIR = ""
    return settings


@pytest.fixture
def backup_key(settings, tmp_path):
    """The company's key pair made with `manage.py backup_keygen`: the server is configured with the
    public key it prints; the private key file is returned, as the company would keep it."""
    private = tmp_path / "company-backup-key.pem"
    output = run("backup_keygen", "--out", str(private))
    settings.BACKUP_PUBLIC_KEY = next(line for line in output.splitlines() if line.startswith("BACKUP_PUBLIC_KEY=")).split("=", 1)[1]
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    return private


@pytest.fixture
def scratch_database():
    """scratch_database() -> the URL of a new, empty database on the test server, dropped afterwards;
    scratch_database(source=True) -> the URL of the test database itself."""
    created = []
    params = connection.settings_dict

    def url(name):
        host = params["HOST"]
        if host.startswith("/"):
            return f"postgresql://{params['USER']}:{params['PASSWORD']}@/{name}?host={host}"
        return f"postgresql://{params['USER']}:{params['PASSWORD']}@{host}:{params['PORT'] or 5432}/{name}"

    def make(source=False):
        if source:
            return url(params["NAME"])
        name = f"{params['NAME']}_scratch_{len(created)}"
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        created.append(name)
        return url(name)

    yield make
    with connection.cursor() as cur:
        for name in created:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def fake_client_tools(directory, version, dump_exit=0):
    """A pg_dump/pg_restore pair that reports `version` and otherwise exits with `dump_exit`."""
    directory.mkdir(exist_ok=True)
    for tool in ("pg_dump", "pg_restore"):
        script = directory / tool
        script.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = --version ]; then echo "{tool} (PostgreSQL) {version}"; exit 0; fi\n'
            f'echo "{tool}: error: disk full" >&2; exit {dump_exit}\n'
        )
        script.chmod(0o755)
    return directory


# --- backup ------------------------------------------------------------------------------------


def test_it_writes_a_checksummed_backup_and_prints_its_name_last(cast, settings):
    output = run("backup")
    name = output.strip().splitlines()[-1]
    path = settings.BACKUP_DIR / name
    manifest = json.loads((path / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar"}
    for filename, facts in manifest["files"].items():
        assert sha256_of(path / filename) == facts["sha256"]
        assert (path / filename).stat().st_size == facts["size"]
    assert manifest["tables"]["accounts_user"] == 8  # the cast
    assert "0001_customers_custody_search" in manifest["migrations"]["crm"]
    assert manifest["server_version"].split(".")[0] == manifest["pg_dump_version"].split(".")[0]
    backup = Backup.objects.get(name=name)
    assert backup.status == Backup.Status.SUCCEEDED
    assert backup.row_total == sum(manifest["tables"].values())
    assert backup.dump_sha256 == manifest["files"]["database.dump"]["sha256"]
    assert not [p for p in settings.BACKUP_DIR.iterdir() if p.name.startswith(".partial")]


def test_it_refuses_client_tools_of_another_major_version(cast, settings, tmp_path):
    good = run("backup").strip().splitlines()[-1]
    settings.BACKUP_PG_BIN_DIR = str(fake_client_tools(tmp_path / "bin", "15.4"))
    with pytest.raises(CommandError, match=r"major version 16, found: 15.4"):
        run("backup")
    assert sorted(p.name for p in settings.BACKUP_DIR.iterdir()) == [good]
    failed = Backup.objects.exclude(name=good).get()
    assert failed.status == Backup.Status.FAILED and "PG_BIN_DIR" in failed.error


def test_it_fails_loudly_and_keeps_the_good_backup_when_pg_dump_fails(cast, settings, tmp_path):
    good = run("backup").strip().splitlines()[-1]
    before = (settings.BACKUP_DIR / good / "database.dump").read_bytes()
    settings.BACKUP_PG_BIN_DIR = str(fake_client_tools(tmp_path / "bin", "16.2", dump_exit=1))
    with pytest.raises(CommandError, match="pg_dump failed.*disk full"):
        run("backup")
    assert sorted(p.name for p in settings.BACKUP_DIR.iterdir()) == [good]
    assert (settings.BACKUP_DIR / good / "database.dump").read_bytes() == before
    assert Backup.objects.get(name=good).status == Backup.Status.SUCCEEDED
    assert Backup.objects.filter(status=Backup.Status.FAILED).count() == 1


def test_it_refuses_to_start_while_another_backup_runs(cast):
    Backup.objects.create(name="crm-20260101-020000")
    with pytest.raises(CommandError, match="already running"):
        run("backup")


def test_it_keeps_the_newest_backup_of_each_day_week_and_month():
    tz = dt_timezone.utc
    times = {f"day{d}": datetime(2026, 3, 31, 2, tzinfo=tz) - timedelta(days=d) for d in range(120)}
    times["day0-manual"] = datetime(2026, 3, 31, 1, tzinfo=tz)  # an older one on the newest day
    keep = backups_to_keep(times, daily=7, weekly=4, monthly=6)
    assert {f"day{d}" for d in range(7)} <= keep
    assert "day0-manual" not in keep
    weekly = {name for name in keep if name not in {f"day{d}" for d in range(7)}}
    months = {(times[n].year, times[n].month) for n in keep}
    assert months == {(2026, 3), (2026, 2), (2026, 1), (2025, 12)}  # all the history there is
    assert len(keep) <= 7 + 4 + 6 and weekly
    assert backups_to_keep(times, daily=0, weekly=0, monthly=0) == {"day0"}


def test_it_prunes_old_backups_by_retention_and_never_a_failed_or_unknown_one(cast, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 2, 0, 0
    now = timezone.now()
    for days, status in [(3, "succeeded"), (4, "succeeded"), (5, "failed")]:
        name = f"crm-2026010{days}-020000"
        (settings.BACKUP_DIR / name).mkdir(parents=True)
        Backup.objects.create(name=name, status=status, started_at=now - timedelta(days=days))
    (settings.BACKUP_DIR / "crm-20250101-020000").mkdir()  # not in the catalogue: not ours to delete
    output = run("backup")
    new = output.strip().splitlines()[-1]
    assert "Retention removed 1: crm-20260104-020000" in output
    assert sorted(p.name for p in settings.BACKUP_DIR.iterdir()) == sorted(
        ["crm-20250101-020000", "crm-20260103-020000", "crm-20260105-020000", new])
    assert set(Backup.objects.values_list("name", flat=True)) == {"crm-20260103-020000", "crm-20260105-020000", new}


# --- verify_backup -------------------------------------------------------------------------------


def test_it_verifies_a_backup_by_restoring_it(cast):
    name = run("backup").strip().splitlines()[-1]
    output = run("verify_backup", name)
    assert f"Backup {name} verified" in output
    backup = Backup.objects.get(name=name)
    assert backup.verification == Backup.Verification.VERIFIED and backup.verified_at
    assert "rows restored and counted" in backup.verify_message
    assert run("verify_backup").startswith(f"Backup {name} verified")  # no name: the newest


def test_it_fails_verification_of_a_corrupted_backup(cast, settings):
    name = run("backup").strip().splitlines()[-1]
    dump = settings.BACKUP_DIR / name / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="database.dump does not match its checksum"):
        run("verify_backup", name)
    backup = Backup.objects.get(name=name)
    assert backup.verification == Backup.Verification.FAILED
    assert "checksum" in backup.verify_message


def test_it_fails_verification_when_restored_rows_differ_from_the_manifest(cast, settings):
    name = run("backup").strip().splitlines()[-1]
    manifest_path = settings.BACKUP_DIR / name / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["accounts_user"] += 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"accounts_user: 9 -> 8"):
        run("verify_backup", name)
    assert Backup.objects.get(name=name).verification == Backup.Verification.FAILED


def test_it_explains_an_unknown_backup_name(cast):
    with pytest.raises(CommandError, match="No backup crm-20200101-000000"):
        run("verify_backup", "crm-20200101-000000")
    with pytest.raises(CommandError, match="not a backup name"):
        run("verify_backup", "../etc")


# --- restore -------------------------------------------------------------------------------------


def test_it_refuses_to_restore_into_a_database_that_is_not_empty(cast, scratch_database):
    name = run("backup").strip().splitlines()[-1]
    with pytest.raises(CommandError, match="is not empty"):
        run("restore", name, "--database-url", scratch_database(source=True), "--no-media")


def test_a_restore_brings_back_every_row_and_photo_but_no_login(cast, settings, tmp_path, scratch_database,
                                                                 backup_key, monkeypatch):
    seed_everything(cast)
    source = table_fingerprints(connection.settings_dict["NAME"])
    assert all(source[table][0] > 0 for table in SEEDED_TABLES + SECRET_TABLES), {t: source[t] for t in SEEDED_TABLES + SECRET_TABLES}
    name = run("backup", "--no-record").strip().splitlines()[-1]
    url = scratch_database()
    monkeypatch.setenv("BACKUP_PRIVATE_KEY_FILE", str(backup_key))  # the key from the environment
    output = run("restore", name, "--database-url", url, "--media-root", str(tmp_path / "restored-media"))
    assert "row counts match the manifest" in output and "Restored 3 uploaded files" in output
    restored = table_fingerprints(url.split("/")[3].split("?")[0])
    # No session and no login-lockout row: whoever held a session cookie is logged out.
    excluded = excluded_table_data()
    assert set(SECRET_TABLES) < set(excluded)
    assert {table: restored[table][0] for table in excluded} == dict.fromkeys(excluded, 0)
    # Every other table: the same row count and the same md5 of its sorted rows.
    assert {t: v for t, v in restored.items() if t not in excluded} == {t: v for t, v in source.items() if t not in excluded}
    # Password hashes are kept (everyone can log in after a restore); they travel encrypted only.
    assert _password_of(url, cast.admin.username) == User.objects.get(pk=cast.admin.pk).password
    photos = sorted(p.relative_to(settings.MEDIA_ROOT) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert len(photos) == 3
    for photo in photos:
        assert (tmp_path / "restored-media" / photo).read_bytes() == (settings.MEDIA_ROOT / photo).read_bytes()
    with pytest.raises(CommandError, match="is not empty"):  # a second restore over it is refused
        run("restore", name, "--database-url", url, "--no-media")


def test_an_unencrypted_backup_holds_no_session_nor_lockout_row_either(cast, tmp_path, scratch_database):
    seed_everything(cast)
    name = run("backup", "--no-record").strip().splitlines()[-1]
    url = scratch_database()
    run("restore", name, "--database-url", url, "--no-media")
    restored = table_fingerprints(url.split("/")[3].split("?")[0])
    excluded = excluded_table_data()
    assert {table: restored[table][0] for table in excluded} == dict.fromkeys(excluded, 0)
    assert restored["crm_customer"][0] == 3


def test_an_encrypted_backup_cannot_be_read_without_its_private_key(cast, settings, tmp_path, backup_key, scratch_database):
    seed_everything(cast)
    name = run("backup").strip().splitlines()[-1]
    path = settings.BACKUP_DIR / name
    assert sorted(p.name for p in path.iterdir()) == ["database.dump.enc", "manifest.json", "media.tar.enc"]
    secrets_and_data = [User.objects.get(pk=cast.admin.pk).password.encode(), "备份客户0".encode(), "谈判记录".encode()]
    for file in ("database.dump.enc", "media.tar.enc"):
        data = (path / file).read_bytes()
        assert not data.startswith(b"PGDMP") and data[257:262] != b"ustar" and b"\x89PNG" not in data
        assert not [s for s in secrets_and_data if s in data]
    assert not [s for s in secrets_and_data if s in (path / "manifest.json").read_bytes()]

    # The wrong key, or none: refused before the target database is touched.
    other_key = tmp_path / "other.pem"
    run("backup_keygen", "--out", str(other_key))
    url = scratch_database()
    with pytest.raises(CommandError, match="encrypted for the key sha256:"):
        run("restore", name, "--database-url", url, "--no-media", "--private-key", str(other_key))
    with pytest.raises(backup_crypto.CryptoError, match="not for the key given"):
        backup_crypto.decrypt_file(path / "database.dump.enc", tmp_path / "out", backup_crypto.Identity.from_file(other_key))
    with pytest.raises(CommandError, match="This backup is encrypted: give the private key"):
        run("restore", name, "--database-url", url, "--no-media")
    assert table_fingerprints(url.split("/")[3].split("?")[0]) == {}

    # The right key decrypts both files to what was restored and counted before encryption.
    manifest = json.loads((path / "manifest.json").read_text())
    identity = backup_crypto.Identity.from_file(backup_key)
    for file in ("database.dump", "media.tar"):
        size, sha256 = backup_crypto.decrypt_file(path / f"{file}.enc", tmp_path / file, identity)
        assert manifest["encryption"]["plaintext"][file] == {"size": size, "sha256": sha256}
    assert (tmp_path / "database.dump").read_bytes().startswith(b"PGDMP")
    with tarfile.open(tmp_path / "media.tar") as tar:
        assert len([m for m in tar if m.isfile()]) == 3
    assert manifest["verified"]["rows"] == sum(manifest["tables"].values())


def test_a_cut_short_or_altered_encrypted_file_does_not_decrypt():
    identity = backup_crypto.Identity.generate()
    plaintext = os.urandom(3 * 1000 + 17)
    sealed = io.BytesIO()
    backup_crypto.encrypt_stream(io.BytesIO(plaintext), sealed, identity.recipient, chunk=1000)
    sealed = sealed.getvalue()
    assert b"".join(backup_crypto.decrypt_chunks(io.BytesIO(sealed), identity)) == plaintext
    header, whole_chunk = len(sealed) - 3 * 1016 - 33, 1016
    damaged = {
        "cut at a chunk boundary": sealed[:header + 2 * whole_chunk],
        "cut inside a chunk": sealed[:-5],
        "one byte flipped": sealed[:header + 1500] + bytes([sealed[header + 1500] ^ 1]) + sealed[header + 1501:],
        "two chunks swapped": sealed[:header] + sealed[header + whole_chunk:header + 2 * whole_chunk]
        + sealed[header:header + whole_chunk] + sealed[header + 2 * whole_chunk:],
        "a chunk appended": sealed + sealed[header:header + whole_chunk],
        "header altered": sealed[:header - 1] + bytes([sealed[header - 1] ^ 1]) + sealed[header:],
    }
    for what, data in damaged.items():
        with pytest.raises(backup_crypto.CryptoError):
            b"".join(backup_crypto.decrypt_chunks(io.BytesIO(data), identity))
            pytest.fail(what)


def test_encryption_and_decryption_stream_in_constant_memory(tmp_path):
    identity = backup_crypto.Identity.generate()
    big = tmp_path / "big"
    with open(big, "wb") as f:
        for _ in range(48):
            f.write(os.urandom(1 << 20))
    tracemalloc.start()
    try:
        backup_crypto.encrypt_file(big, tmp_path / "big.enc", identity.recipient)
        backup_crypto.decrypt_file(tmp_path / "big.enc", tmp_path / "big.out", identity)
        with io.BufferedReader(backup_crypto.DecryptingReader(tmp_path / "big.enc", identity)) as reader:
            while reader.read(1 << 16):
                pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB for a 48 MiB file"
    assert sha256_of(tmp_path / "big.out") == sha256_of(big)


def test_verifying_an_encrypted_backup_checks_its_ciphertext_and_restores_it_with_the_key(cast, settings, backup_key,
                                                                                          scratch_database):
    name = run("backup").strip().splitlines()[-1]
    backup = Backup.objects.get(name=name)
    assert backup.verification == Backup.Verification.VERIFIED  # restored and counted before it was encrypted
    assert "Checksums of the encrypted files match" in run("verify_backup", name)
    output = run("verify_backup", name, "--private-key", str(backup_key))
    assert "rows restored and counted; checksums match" in output

    # Altered ciphertext whose manifest checksum was "fixed" too: the key's authentication catches it.
    path = settings.BACKUP_DIR / name
    data = bytearray((path / "database.dump.enc").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (path / "database.dump.enc").write_bytes(bytes(data))
    with pytest.raises(CommandError, match="database.dump.enc does not match its checksum"):
        run("verify_backup", name)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["files"]["database.dump.enc"]["sha256"] = sha256_of(path / "database.dump.enc")
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="damaged"):
        run("verify_backup", name, "--private-key", str(backup_key))
    url = scratch_database()
    with pytest.raises(CommandError, match="Restore failed: .*damaged"):
        run("restore", name, "--database-url", url, "--no-media", "--private-key", str(backup_key))
    assert table_fingerprints(url.split("/")[3].split("?")[0]) == {}  # nothing restored from a damaged file


def test_a_backup_key_that_cannot_be_read_stops_the_backup_and_the_checks(cast, settings):
    from django.core.checks import run_checks

    settings.BACKUP_PUBLIC_KEY = "MCowBQYDK2VuAyEAnot-a-key"
    with pytest.raises(CommandError, match="Backup failed: .*key"):
        run("backup")
    assert not any(settings.BACKUP_DIR.iterdir())
    assert [m.id for m in run_checks(tags=["security"])] == ["backups.E101"]


def test_check_deploy_warns_while_backups_are_unencrypted(settings, backup_key):
    from django.core.checks import run_checks

    def backup_messages():
        return [m.id for m in run_checks(tags=["security"], include_deployment_checks=True) if m.id.startswith("backups.")]

    assert backup_messages() == []
    settings.BACKUP_PUBLIC_KEY = ""
    assert backup_messages() == ["backups.W101"]
    settings.BACKUP_PUBLIC_KEY_FILE = str(backup_key.with_name("public.pem"))
    backup_key.with_name("public.pem").write_text(
        "-----BEGIN PUBLIC KEY-----\n" + backup_crypto.Identity.from_file(backup_key).recipient.text() + "\n-----END PUBLIC KEY-----\n")
    assert backup_messages() == []


def test_every_column_that_grants_access_is_in_a_table_no_backup_holds(db):
    """Sessions, lockouts and any token table added later: their rows must never be in a backup."""
    with connection.cursor() as cur:
        cur.execute("""SELECT table_name, column_name FROM information_schema.columns
                       WHERE table_schema = 'public' AND column_name ~* '(token|secret|session|otp|nonce|api_?key)'""")
        columns = cur.fetchall()
    assert columns, "the pattern finds django_session's columns at least"
    assert [c for c in columns if c[0] not in excluded_table_data()] == []


def _password_of(url, username):
    conn = Target.from_url(url).connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT password FROM accounts_user WHERE username = %s", [username])
            return cur.fetchone()[0]
    finally:
        conn.close()


# Tables the round trip must see with rows in them (the rest of the schema is compared too).
SEEDED_TABLES = [
    "accounts_user", "accounts_salesgroup", "accounts_auditevent", "crm_customer", "crm_custody",
    "crm_customerchange", "crm_savedsearch", "crm_customeruserobjectpermission", "bulletin_post",
    "bulletin_reply", "bulletin_suggestion", "bulletin_suggestionreply",
    "auth_permission", "django_content_type", "django_migrations",
]
# Tables that grant or track logins: seeded with rows; they and every other table of
# excluded_table_data() are restored empty.
SECRET_TABLES = ["django_session", "axes_accessattempt", "axes_accesslog"]


def seed_everything(cast):
    from accounts import audit
    from bulletin import services as bulletin_services
    from crm import services as crm_services

    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    customers = []
    for i, owner in enumerate([cast.sales1, cast.sales2, cast.sup1]):
        customer = crm_services.customer_create(
            data={"name": f"备份客户{i}", "company": f"上海测试{i}", "phone": f"1380000{i:04d}", "notes": "谈判记录\n第二行"},
            owner=owner, by=owner)
        customer.photo.save(f"photo{i}.png", ContentFile(png.getvalue()), save=True)
        customers.append(customer)
    crm_services.customer_change_grade(customer=customers[0], grade="vip", by=cast.sales1)
    crm_services.customer_give_up(customer=customers[1], reason="no_need", by=cast.sales2)
    crm_services.customer_share(customer=customers[0], colleague=cast.sales1b, cofollow=True, by=cast.sales1)
    crm_services.saved_search_save(owner=cast.sales1, name="李", query="李", fields=["name"])
    post = bulletin_services.post_create(title="公告", emoticon="smile", content="大家好", by=cast.sales1)
    bulletin_services.reply_create(post=post, content="收到", by=None, guest_name="访客")
    suggestion = bulletin_services.suggestion_create(title="建议", content="加个按钮", anonymous=False, by=cast.sales2)
    bulletin_services.suggestion_reply(suggestion=suggestion, content="好的", by=cast.admin)
    audit.record(actor=cast.admin, action="customers.export", summary="seed", count=3)
    Client().force_login(cast.admin)  # a session row (and axes' access log)
    Client().post(reverse("accounts:login"), {"username": cast.admin.username, "password": "wrong"})  # lockout rows


def table_fingerprints(dbname):
    """{table: (row count, md5 of its rows in a fixed order)} for every table of `dbname`."""
    target = default_target().with_database(dbname)
    conn = target.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("""SELECT schemaname, tablename FROM pg_tables
                           WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2""")
            result = {}
            for schema, table in cur.fetchall():
                cur.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                            f'FROM "{schema}"."{table}" t')
                result[f"{schema}.{table}" if schema != "public" else table] = cur.fetchone()
            return result
    finally:
        conn.close()


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["backup", "admin"])
def test_backup_staff_can_see_the_backups_page_without_customer_data(cast, client_for, who):
    Backup.objects.create(name="crm-20260101-020000", status=Backup.Status.SUCCEEDED, size=2048,
                          table_count=26, row_total=1234, manifest={"files": {"database.dump": {"sha256": "ab" * 32}}})
    response = client_for(getattr(cast, who)).get(reverse("backups:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "crm-20260101-020000" in body and "1,234" in body and "abababababab" in body
    assert "Back up now" in body


@pytest.mark.parametrize("who", ["sales1", "sup1"])
def test_sales_staff_cannot_see_the_backups_page(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(reverse("backups:list")).status_code == 404
    assert client_for(getattr(cast, who)).post(reverse("backups:create")).status_code == 404


def test_backup_operator_can_back_up_now_and_follow_progress(cast, client_for, settings):
    client = client_for(cast.backup)
    response = client.post(reverse("backups:create"))
    assert response.status_code == 302
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.SUCCEEDED, backup.error  # the test task backend runs at once
    assert backup.created_by == cast.backup
    assert (settings.BACKUP_DIR / backup.name / "manifest.json").is_file()
    assert AuditEvent.objects.filter(action="backups.create", actor=cast.backup).exists()
    status = client.get(reverse("backups:status"))
    assert backup.name in status.content.decode() and b"hx-trigger" not in status.content


def test_backups_page_polls_while_a_backup_runs(cast, client_for):
    Backup.objects.create(name="crm-20260101-020000", progress="Dumping the database: 12 MB written")
    body = client_for(cast.backup).get(reverse("backups:list")).content.decode()
    assert 'hx-trigger="every 2s"' in body and "12 MB written" in body
    assert "Back up now" not in body


def test_backup_operator_can_verify_from_the_page(cast, client_for):
    name = run("backup").strip().splitlines()[-1]
    backup = Backup.objects.get(name=name)
    response = client_for(cast.backup).post(reverse("backups:verify", args=[backup.pk]))
    assert response.status_code == 302
    backup.refresh_from_db()
    assert backup.verification == Backup.Verification.VERIFIED, backup.verify_message
    assert AuditEvent.objects.filter(action="backups.verify", actor=cast.backup).exists()


def test_the_verification_result_is_in_the_language_of_whoever_asked(cast, client_for, monkeypatch):
    """The task worker has no request: the result was always English on a Chinese page."""
    from backups import tasks

    name = run("backup").strip().splitlines()[-1]
    backup = Backup.objects.get(name=name)
    enqueued = []
    monkeypatch.setattr(backup_views.tasks, "verify_backup",
                        type("Queue", (), {"enqueue": staticmethod(lambda *args: enqueued.append(args))}))
    client = client_for(cast.backup)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post(reverse("backups:verify", args=[backup.pk]))
    assert enqueued == [(backup.pk, "zh-hans")]
    monkeypatch.undo()
    tasks.verify_backup.call(*enqueued[0])  # as the worker runs it: English active, no request
    backup.refresh_from_db()
    assert backup.verification == Backup.Verification.VERIFIED and "张表" in backup.verify_message, backup.verify_message
    page = client.get(reverse("backups:list")).content.decode()
    assert backup.verify_message in page and "rows restored" not in page


def test_backup_operator_can_download_a_backup_and_it_is_audited(cast, client_for, settings):
    name = run("backup").strip().splitlines()[-1]
    backup = Backup.objects.get(name=name)
    response = client_for(cast.backup).get(reverse("backups:download", args=[backup.pk]))
    assert response.status_code == 200 and response.streaming
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert sorted(tar.getnames()) == [f"{name}/database.dump", f"{name}/manifest.json", f"{name}/media.tar"]
        dump = tar.extractfile(f"{name}/database.dump").read()
    assert dump == (settings.BACKUP_DIR / name / "database.dump").read_bytes()
    event = AuditEvent.objects.get(action="backups.download")
    assert event.actor == cast.backup and event.data["name"] == name


def test_backup_operator_backs_up_and_downloads_only_ciphertext(cast, client_for, settings, backup_key):
    seed_everything(cast)
    client = client_for(cast.backup)
    page = client.get(reverse("backups:list")).content.decode()
    fingerprint = backup_crypto.Identity.from_file(backup_key).recipient.fingerprint
    assert f"encrypted for the company's key {fingerprint}" in page and "Backups are not encrypted" not in page
    client.post(reverse("backups:create"))
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.SUCCEEDED and backup.verification == Backup.Verification.VERIFIED, backup.error
    assert "encrypted" in client.get(reverse("backups:status")).content.decode()

    response = client.get(reverse("backups:download", args=[backup.pk]))
    data = b"".join(response.streaming_content)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert sorted(tar.getnames()) == [f"{backup.name}/{f}" for f in ("database.dump.enc", "manifest.json", "media.tar.enc")]
        for member in ("database.dump.enc", "media.tar.enc"):
            assert tar.extractfile(f"{backup.name}/{member}").read().startswith(backup_crypto.MAGIC)
    # Nothing in the download logs anyone in, or tells them anything about a customer.
    admin_hash = User.objects.get(pk=cast.admin.pk).password.encode()
    assert admin_hash not in data and b"PGDMP" not in data and "备份客户".encode() not in data and b"\x89PNG" not in data


def test_backups_page_warns_while_backups_are_unencrypted(cast, client_for):
    page = client_for(cast.backup).get(reverse("backups:list")).content.decode()
    assert "Backups are not encrypted" in page and "BACKUP_PUBLIC_KEY" in page


def test_nobody_can_download_a_failed_backup(cast, client_for):
    backup = Backup.objects.create(name="crm-20260101-020000", status=Backup.Status.FAILED)
    assert client_for(cast.admin).get(reverse("backups:download", args=[backup.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="backups.download").exists()


def test_backup_operator_home_links_to_the_backups(cast, client_for):
    body = client_for(cast.backup).get(reverse("home")).content.decode()
    assert reverse("backups:list") in body
