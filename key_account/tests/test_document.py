# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from urllib.parse import unquote

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import REP, KeyAccountCase

PDF = b"%PDF-1.4 purchase plan 2027"
# Who reads an internal or confidential document of ACME (rep A's key
# account): its rep, executive and office manager, and the directors.
ACCOUNT_READERS = {
    "rep",
    "executive",
    "office manager",
    "KA head",
    "deputy sales director",
    "general manager",
}


class DocumentCase(KeyAccountCase):
    """ACME is rep A's key account served by an account executive; rep A's
    office manager leads his team; rep B serves another customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executive = new_test_user(
            cls.env, "ka_doc_executive", groups=f"base.group_user,{REP}"
        )
        cls._make_key_account(cls.customer)
        cls.customer.with_user(cls.head).key_account_executive_id = cls.executive
        cls.company.key_account_general_manager_id = cls.manager
        cls._drop_user_emails()

    def _document(self, level, user=None, partner=None, **vals):
        values = {
            "title": "Purchase plan 2027",
            "partner_id": (partner or self.customer).id,
            "level": level,
            "upload": base64.b64encode(PDF),
            "file_name": "plan.pdf",
        }
        values.update(vals)
        return (
            self.env["key_account.document"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def _readers(self, document):
        """Who of the cast reads ``document``, over search and read."""
        cast = {
            "rep": self.rep_a,
            "executive": self.executive,
            "office manager": self.office_manager,
            "other rep": self.rep_b,
            "KA head": self.head,
            "deputy sales director": self.deputy_sd,
            "general manager": self.manager,
        }
        readers = set()
        for role, user in cast.items():
            Documents = self.env["key_account.document"].with_user(user)
            found = Documents.search_count([("id", "=", document.id)])
            if found:
                document.with_user(user).read(["title", "level"])
                readers.add(role)
            else:
                with self.assertRaises(AccessError, msg=role):
                    document.with_user(user).read(["title"])
        return readers

    def _file_attachment(self, document):
        """The attachment holding ``document``'s file."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "key_account.document"),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
        )

    def _prospect_document(self, level):
        """A ``level`` document of a customer of rep A's that is no key
        account."""
        prospect = self.env["res.partner"].create(
            {"name": "Prospect Co", "is_company": True, "user_id": self.rep_a.id}
        )
        return self._document(level, partner=prospect)

    def _secret(self, circulation):
        """A secret document the office manager files, circulated to
        ``circulation`` once approved by the KA head and the general
        manager."""
        document = self._document(
            "secret",
            user=self.office_manager,
            circulation_user_ids=[(6, 0, circulation.ids)],
        )
        document.with_user(self.office_manager).action_submit()
        return document

    def _approve_circulation(self, document):
        self._approve(document, self.head)
        self._approve(document, self.manager)
        self.assertEqual(document.state, "approved")


@tagged("post_install", "-at_install")
class TestDocumentLevels(DocumentCase):
    def test_default_level_is_the_company_setting(self):
        document = (
            self.env["key_account.document"]
            .with_user(self.rep_a)
            .create({"title": "Visit notes", "partner_id": self.customer.id})
        )
        self.assertEqual(document.level, "internal")
        self.company.key_account_document_level = "confidential"
        document = (
            self.env["key_account.document"]
            .with_user(self.rep_a)
            .create({"title": "Price study", "partner_id": self.customer.id})
        )
        self.assertEqual(document.level, "confidential")

    def test_internal_follows_the_customers_readers(self):
        document = self._document("internal")
        self.assertEqual(self._readers(document), ACCOUNT_READERS)
        # A customer that is no key account is every rep's to read.
        document = self._prospect_document("internal")
        self.assertIn("other rep", self._readers(document))

    def test_confidential_owner_executive_supervisor_and_above(self):
        document = self._document("confidential")
        self.assertEqual(self._readers(document), ACCOUNT_READERS)
        document = self._prospect_document("confidential")
        self.assertNotIn("other rep", self._readers(document))

    def test_secret_circulation_approved_by_ka_head_then_general_manager(self):
        """SPEC R88 example: a secret document circulated to the KA head and
        rep A; when A opens it, the access is logged; the account executive
        cannot open it."""
        document = self._secret(self.head | self.rep_a)
        self.assertEqual(document.state, "submitted")
        # Until approved, neither the circulation nor the customer's
        # readers open it: the office manager who filed it, the KA head and
        # the general manager do.
        self.assertEqual(
            self._readers(document), {"office manager", "KA head", "general manager"}
        )
        self._approve_circulation(document)
        self.assertEqual(
            self._readers(document),
            {"rep", "office manager", "KA head", "general manager"},
        )
        access = document.with_user(self.rep_a)._key_account_distribute()
        self.assertEqual(access.user_id, self.rep_a)
        self.assertEqual(access.copy_number, 1)
        with self.assertRaises(AccessError):
            document.with_user(self.executive).action_open()
        with self.assertRaises(AccessError):
            document.with_user(self.executive)._key_account_distribute()
        self.assertEqual(document.copy_count, 1)

    def test_secret_document_needs_its_circulation_and_file(self):
        document = self._document("secret")
        with self.assertRaisesRegex(UserError, "Name who may read"):
            document.with_user(self.rep_a).action_submit()
        internal = self._document("internal")
        with self.assertRaisesRegex(UserError, "Only secret documents"):
            internal.with_user(self.rep_a).action_submit()

    def test_rejected_circulation_opens_to_nobody_on_it(self):
        document = self._secret(self.rep_a)
        self._reject(document, self.head, "Too wide")
        self.assertEqual(document.state, "rejected")
        self.assertNotIn("rep", self._readers(document))

    def test_levels_hold_over_rpc(self):
        """Rep B reaches rep A's confidential document through no RPC
        call: search, read_group, read, the open button, the file field, its
        attachment; rep A himself reads the file only as a numbered copy."""
        document = self._document("confidential")
        Documents = self.env["key_account.document"].with_user(self.rep_b)
        domain = [("id", "=", document.id)]
        self.assertFalse(Documents.search(domain))
        self.assertEqual(
            Documents.read_group(domain, ["id:count"], [])[0]["__count"], 0
        )
        for call in (
            lambda d: d.read(["title"]),
            lambda d: d.action_open(),
            lambda d: d.action_report_leak(),
            lambda d: d.write({"title": "Mine now"}),
        ):
            with self.assertRaises(AccessError):
                call(document.with_user(self.rep_b))
        attachment = self._file_attachment(document)
        self.assertEqual(base64.b64decode(attachment.datas), PDF)
        for user in (self.rep_b, self.rep_a, self.manager):
            with self.assertRaises(AccessError):
                attachment.with_user(user).read(["datas"])
            with self.assertRaises(AccessError):
                document.with_user(user).read(["file"])
        action = document.with_user(self.rep_a).action_open()
        self.assertEqual(action["url"], f"/key_account/document/{document.id}/download")
        # Nobody attaches another copy to the document by hand.
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.rep_a).create(
                {
                    "name": "copy.pdf",
                    "datas": base64.b64encode(PDF),
                    "res_model": "key_account.document",
                    "res_id": document.id,
                }
            )

    def test_guarded_fields(self):
        document = self._document("confidential")
        for vals in ({"state": "approved"}, {"copy_count": 0}, {"file_size": 1}):
            with self.assertRaises(AccessError):
                document.with_user(self.rep_a).write(vals)
        with self.assertRaises(AccessError):
            self._document("secret", state="approved")
        secret = self._secret(self.rep_a)
        with self.assertRaises(UserError):
            secret.with_user(self.office_manager).write(
                {"circulation_user_ids": [(4, self.rep_b.id)]}
            )
        # The office manager's team reads but does not rewrite the rep's
        # document; the rep who filed it does.
        with self.assertRaises(AccessError):
            document.with_user(self.office_manager).write({"level": "internal"})
        document.with_user(self.rep_a).write({"title": "Purchase plan 2027 v2"})


@tagged("post_install", "-at_install")
class TestDocumentDistribution(DocumentCase):
    def test_copies_are_numbered_per_document(self):
        document = self._document("confidential")
        other = self._document("secret")
        copies = (
            document.with_user(self.rep_a)._key_account_distribute()
            | document.with_user(self.executive)._key_account_distribute()
            | other.with_user(self.rep_a)._key_account_distribute()
            | document.with_user(self.rep_a)._key_account_distribute()
        )
        self.assertEqual(copies.mapped("copy_number"), [1, 2, 1, 3])
        self.assertEqual(
            copies.mapped("name"),
            [
                f"{document.name}-01",
                f"{document.name}-02",
                f"{other.name}-01",
                f"{document.name}-03",
            ],
        )
        self.assertEqual(
            copies.mapped("user_id"), self.rep_a | self.executive | self.rep_a
        )
        self.assertTrue(all(copies.mapped("access_date")))
        self.assertEqual(document.copy_count, 3)
        self.assertEqual(
            document._key_account_copy_filename(copies[1]),
            f"plan [{document.name.replace('/', '-')}-02].pdf",
        )
        # Internal documents hand out unnumbered copies.
        internal = self._document("internal")
        self.assertFalse(internal.with_user(self.rep_a)._key_account_distribute())
        self.assertEqual(internal.copy_count, 0)
        # Distributed documents and their log are kept.
        with self.assertRaises(UserError):
            document.with_user(self.rep_a).unlink()
        with self.assertRaises(UserError):
            copies.sudo().unlink()
        with self.assertRaises(UserError):
            copies.with_user(self.head).write({"copy_number": 9})

    def test_log_read_by_ka_head_and_general_manager_only(self):
        document = self._document("confidential")
        document.with_user(self.rep_a)._key_account_distribute()
        Log = self.env["key_account.document.access"]
        for user in (self.rep_a, self.executive, self.office_manager, self.deputy_sd):
            with self.assertRaises(AccessError):
                Log.with_user(user).search([])
            with self.assertRaises(AccessError):
                document.with_user(user).read(["access_ids"])
            with self.assertRaises(AccessError):
                Log.with_user(user).create(
                    {"document_id": document.id, "user_id": user.id, "copy_number": 7}
                )
        for user in (self.head, self.manager):
            self.assertEqual(
                Log.with_user(user).search([("document_id", "=", document.id)]).user_id,
                self.rep_a,
            )
            with self.assertRaises(AccessError):
                Log.with_user(user).create(
                    {"document_id": document.id, "user_id": user.id, "copy_number": 7}
                )

    def test_leak_reported_to_the_general_manager(self):
        """Users without e-mail address: the rep reports, the general
        manager gets an activity, closes with the remedy."""
        self.assertFalse(self.rep_a.email or self.manager.email)
        document = self._document("confidential")
        Leaks = self.env["key_account.document.leak"]
        leak = Leaks.with_user(self.rep_a).create(
            {
                "document_id": document.id,
                "description": "Competitor quoted our plan's figures.",
            }
        )
        self.assertTrue(leak.name.startswith("LEAK/"), leak.name)
        self.assertEqual(leak.reported_by_id, self.rep_a)
        activity = leak.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("key_account.mail_activity_key_account_document_leak"),
        )
        # Rep B neither reports a leak of a document he cannot read nor
        # reads rep A's report.
        with self.assertRaises(AccessError):
            Leaks.with_user(self.rep_b).create(
                {"document_id": document.id, "description": "Seen it"}
            )
        with self.assertRaises(AccessError):
            leak.with_user(self.rep_b).read(["description"])
        self.assertIn(leak, document.with_user(self.rep_a).leak_ids)
        # The reporter neither closes nor forges the state.
        with self.assertRaises(AccessError):
            leak.with_user(self.rep_a).action_close()
        with self.assertRaises(AccessError):
            leak.with_user(self.rep_a).write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "remedy"):
            leak.with_user(self.manager).action_close()
        leak.with_user(self.rep_a).write({"remedy": "Plan figures changed."})
        leak.with_user(self.manager).action_close()
        self.assertEqual(leak.state, "closed")
        self.assertEqual(leak.closed_by_id, self.manager)
        self.assertFalse(leak.activity_ids)
        with self.assertRaises(UserError):
            leak.with_user(self.manager).unlink()

    def test_partner_counts_the_documents_the_user_reads(self):
        self._document("confidential")
        self._secret(self.rep_a)
        self.assertEqual(
            self.customer.with_user(self.rep_a).key_account_document_count, 1
        )
        self.assertEqual(
            self.customer.with_user(self.head).key_account_document_count, 2
        )


@tagged("post_install", "-at_install")
class TestDocumentHttp(HttpCase, DocumentCase):
    """The download route and the attachment routes over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.rep_a, cls.rep_b):
            user.password = f"{user.login}-pw"

    def test_download_route_logs_and_refuses(self):
        document = self._document("confidential")
        attachment = self._file_attachment(document)
        download = f"/key_account/document/{document.id}/download"
        direct = (
            f"/web/content/{attachment.id}",
            f"/web/content?model=key_account.document&id={document.id}&field=file",
        )
        Log = self.env["key_account.document.access"]
        self.authenticate(self.rep_b.login, f"{self.rep_b.login}-pw")
        for url in (download, *direct):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(PDF, response.content, url)
        self.assertFalse(Log.search([("document_id", "=", document.id)]))
        # Rep A gets it only through the route, as numbered copies.
        self.authenticate(self.rep_a.login, f"{self.rep_a.login}-pw")
        for url in direct:
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
        for number in (1, 2):
            response = self.url_open(download)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PDF)
            self.assertIn(
                f"plan [{document.name.replace('/', '-')}-0{number}].pdf",
                unquote(response.headers["Content-Disposition"]),
            )
        copies = Log.search([("document_id", "=", document.id)])
        self.assertEqual(sorted(copies.mapped("copy_number")), [1, 2])
        self.assertEqual(copies.user_id, self.rep_a)
