# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import REP, KeyAccountCase


@tagged("post_install", "-at_install")
class TestActiveReps(KeyAccountCase):
    """SPEC R44: the owner and the account executive of a key account are
    active reps, wherever they are set."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls.leaver = new_test_user(
            cls.env, "ka_rep_leaver", groups=f"base.group_user,{REP}"
        )
        cls.clerk = new_test_user(cls.env, "ka_plain_clerk", groups="base.group_user")
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Leaver's Prospect Ltd", "is_company": True}
        )
        cls.prospect.with_user(cls.head).user_id = cls.leaver
        cls.left_behind = cls.env["res.partner"].create(
            {"name": "Left Behind Ltd", "is_company": True, "user_id": cls.leaver.id}
        )
        cls._make_key_account(cls.left_behind)
        cls.leaver.action_archive()

    def test_executive_is_an_active_rep(self):
        for user, words in ((self.leaver, "archived"), (self.clerk, "rep access")):
            with (
                self.subTest(user=user.login),
                self.assertRaises(ValidationError) as err,
            ):
                self.customer.with_user(self.rep_a).key_account_executive_id = user
            self.assertIn(words, str(err.exception))
            self.assertIn("ACME Ltd", str(err.exception))
        self.customer.with_user(self.rep_a).key_account_executive_id = self.rep_b
        self.assertEqual(self.customer.key_account_executive_id, self.rep_b)

    def test_owner_is_an_active_rep(self):
        orphan = self.env["res.partner"].create(
            {"name": "Orphan Ltd", "is_company": True}
        )
        self._make_key_account(orphan)
        for user in (self.leaver, self.clerk):
            with self.subTest(user=user.login), self.assertRaises(ValidationError):
                orphan.with_user(self.head).user_id = user
        orphan.with_user(self.head).user_id = self.rep_b
        self.assertEqual(orphan.user_id, self.rep_b)
        # The reassignment says so too.
        with self.assertRaises(ValidationError):
            orphan.with_user(self.head)._key_account_check_reassign_authority(
                self.leaver
            )

    def test_designation_needs_active_reps(self):
        # On the request, before anyone approves it.
        with self.assertRaisesRegex(ValidationError, "archived"):
            self._new_request(
                partner=self.customer_b, user=self.rep_b, executive_id=self.leaver.id
            )
        # A customer whose owner left is not designated before it is handed
        # over.
        with self.assertRaisesRegex(ValidationError, "owner"):
            self.prospect.with_user(self.head).write(
                {
                    "key_account_state": "key_account",
                    "key_account_tier_id": self.tier_b.id,
                }
            )
        self.assertFalse(self.prospect.is_key_account)
        # Revoking a key account whose owner left still works (as its
        # approved revocation applies it).
        self.left_behind.sudo().key_account_state = "suspended"
        self.assertEqual(self.left_behind.key_account_state, "suspended")

    def test_import_refused_too(self):
        fields = [
            "name",
            "is_company",
            "key_account_state",
            "key_account_tier_id/.id",
            "key_account_executive_id/.id",
        ]
        rows = [
            [
                "Imported Ltd",
                "1",
                "key_account",
                str(self.tier_b.id),
                str(self.clerk.id),
            ]
        ]
        # A director imports no key account: only approved requests designate.
        result = self.env["res.partner"].with_user(self.head).load(fields, rows)
        self.assertFalse(result["ids"])
        self.assertIn(
            "approved key-account request",
            " ".join(m["message"] for m in result["messages"]),
        )
        # Nor does an administrator's import with an inactive rep.
        result = self.env["res.partner"].sudo().load(fields, rows)
        self.assertFalse(result["ids"])
        self.assertIn(
            "only an active rep", " ".join(m["message"] for m in result["messages"])
        )


@tagged("post_install", "-at_install")
class TestCampaignCustomers(KeyAccountCase):
    """SPEC R46: campaign customers carry their origin and are given to
    reps by the KA head or office manager, balancing customer count and
    each rep's ability."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_x = new_test_user(cls.env, "ka_rep_x", groups=f"base.group_user,{REP}")
        cls.rep_y = new_test_user(cls.env, "ka_rep_y", groups=f"base.group_user,{REP}")
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring Trade Fair"})

    def _campaign_leads(self, count, user=None):
        return (
            self.env["res.partner"]
            .with_user(user or self.head)
            .create(
                [
                    {
                        "name": f"Fair Lead {index} Ltd",
                        "is_company": True,
                        "key_account_campaign_id": self.campaign.id,
                    }
                    for index in range(count)
                ]
            )
        )

    def test_campaign_customer_is_not_kept_by_the_recording_rep(self):
        lead = self._campaign_leads(1, user=self.rep_a)
        self.assertRecordValues(
            lead, [{"key_account_origin": "campaign", "user_id": False}]
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.rep_a).create(
                {
                    "name": "Fair Lead Kept Ltd",
                    "is_company": True,
                    "key_account_origin": "campaign",
                    "user_id": self.rep_a.id,
                }
            )
        own = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Found Myself Ltd", "is_company": True})
        )
        self.assertRecordValues(
            own, [{"key_account_origin": "rep", "user_id": self.rep_a.id}]
        )

    def test_origin_corrected_by_the_office_manager_only(self):
        own = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Found Myself Ltd", "is_company": True})
        )
        with self.assertRaises(AccessError):
            own.with_user(self.rep_a).key_account_origin = "campaign"
        with self.assertRaises(AccessError):
            own.with_user(self.rep_a).key_account_campaign_id = self.campaign
        own.with_user(self.office_manager).write(
            {
                "key_account_origin": "campaign",
                "key_account_campaign_id": self.campaign.id,
            }
        )
        self.assertEqual(own.key_account_origin, "campaign")

    def test_only_directors_set_the_ability_weight(self):
        Ability = self.env["key_account.rep.ability"]
        for user in (self.rep_a, self.office_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Ability.with_user(user).create({"user_id": self.rep_x.id, "weight": 3})
        ability = Ability.with_user(self.head).create(
            {"user_id": self.rep_x.id, "weight": 2, "note": "Ten years in the trade"}
        )
        # The office manager who distributes reads it, but does not edit it.
        self.assertEqual(ability.with_user(self.office_manager).weight, 2)
        with self.assertRaises(AccessError):
            ability.with_user(self.office_manager).weight = 5
        with self.assertRaises(ValidationError):
            ability.with_user(self.head).weight = 0

    def test_distribution_by_count_and_ability(self):
        self.env["key_account.rep.ability"].with_user(self.head).create(
            {"user_id": self.rep_x.id, "weight": 2}
        )
        leads = self._campaign_leads(6)
        self.assertFalse(leads.user_id)
        wizard = (
            self.env["key_account.distribute.wizard"]
            .with_user(self.head)
            .with_context(active_model="res.partner", active_ids=leads.ids)
            .create(
                {
                    "user_ids": [Command.set([self.rep_x.id, self.rep_y.id])],
                    "reason": "Spring fair leads",
                }
            )
        )
        # The screen shows each rep's count, ability and share.
        self.assertRecordValues(
            wizard.line_ids.sorted(lambda line: line.user_id.login),
            [
                {"user_id": self.rep_x.id, "count": 0, "ability": 2.0, "planned": 4},
                {"user_id": self.rep_y.id, "count": 0, "ability": 1.0, "planned": 2},
            ],
        )
        wizard.action_apply()
        self.assertEqual(len(leads.filtered(lambda p: p.user_id == self.rep_x)), 4)
        self.assertEqual(len(leads.filtered(lambda p: p.user_id == self.rep_y)), 2)
        self.assertEqual(set(leads.mapped("key_account_origin")), {"campaign"})
        self.assertEqual(
            set(leads.key_account_owner_history_ids.mapped("kind")), {"distribution"}
        )
        # Balanced for their ability, the next three go two and one.
        more = self._campaign_leads(3)
        more.with_user(self.head)._key_account_distribute(
            self.rep_x | self.rep_y, "More leads"
        )
        self.assertEqual(len(more.filtered(lambda p: p.user_id == self.rep_x)), 2)
        self.assertEqual(len(more.filtered(lambda p: p.user_id == self.rep_y)), 1)
