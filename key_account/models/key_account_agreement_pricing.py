# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import highest_level, percent_below

PRICING_MODELS = [
    ("cpm", "CPM (Cost per Thousand)"),
    ("cps", "CPS (Cost per Sale)"),
    ("cpa", "CPA (Cost per Action)"),
]
# Exception types a deviation beyond the KA head's authority is requested as.
MATRIX_TYPES = ("payment_term", "rebate", "price_floor")


class KeyAccountAgreementPricing(models.Model):
    """The agreement's prices against the price system (SPEC R20, R24, R25):
    the floor price list, performance pricing and its test data, the
    deviations and the exceptions they need beyond the KA head's authority."""

    _inherit = "key_account.agreement"

    # === FIELDS === #
    floor_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Price System (Floor)",
        compute="_compute_floor_pricelist_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        check_company=True,
        help="Settlement floor prices the agreement's prices are compared with.",
    )

    performance_priced = fields.Boolean(
        string="Performance-Priced", tracking=True, help="CPM, CPS or CPA deal."
    )

    pricing_model = fields.Selection(PRICING_MODELS, tracking=True)

    performance_price = fields.Float(
        string="Unit Price",
        tracking=True,
        digits="Product Price",
        help="Price per sale (CPS), per action (CPA) or per thousand (CPM) "
        "agreed with the customer.",
    )

    test_volume = fields.Float(
        tracking=True,
        help="Sends (impressions) of the test campaign.",
    )

    test_conversions = fields.Float(
        string="Test Sales or Actions",
        tracking=True,
        help="Sales (CPS) or actions (CPA) the test campaign brought.",
    )

    test_value = fields.Float(
        string="Test CPM",
        compute="_compute_test_value",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        digits="Product Price",
        help="Price per thousand sends the test data gives: the unit price for "
        "a CPM deal; unit price x sales or actions / sends x 1,000 for CPS and "
        "CPA. It must fit the price system's CPM; the monthly actual results "
        "are compared with it, too large a deviation suspends the agreement.",
    )

    test_data_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_test_data_rel",
        "agreement_id",
        "attachment_id",
    )

    deviation_note = fields.Text(
        string="Deviations",
        compute="_compute_deviations",
        help="What departs from the price system and the customer's defaults.",
    )

    has_deviation = fields.Boolean(
        string="Deviates",
        compute="_compute_deviations",
        search="_search_has_deviation",
    )

    deviation_level = fields.Selection(
        [("rep", "Rep"), ("director", "KA Head"), ("manager", "General Manager")],
        string="Authority Needed",
        compute="_compute_deviations",
    )

    # === COMPUTE METHODS === #
    @api.depends(
        "performance_priced",
        "pricing_model",
        "performance_price",
        "test_volume",
        "test_conversions",
    )
    def _compute_test_value(self):
        """The CPM the test data gives (SPEC R25); entered by hand when the
        unit price is not given."""
        for agreement in self:
            price = agreement.performance_price
            if not (agreement.performance_priced and price):
                agreement.test_value = agreement.test_value
            elif agreement.pricing_model == "cpm":
                agreement.test_value = price
            elif agreement.test_volume:
                agreement.test_value = (
                    price * agreement.test_conversions / agreement.test_volume * 1000
                )
            else:
                agreement.test_value = agreement.test_value

    @api.depends("company_id")
    def _compute_floor_pricelist_id(self):
        for agreement in self:
            if not agreement.floor_pricelist_id:
                agreement.floor_pricelist_id = (
                    agreement.company_id or self.env.company
                ).key_account_floor_pricelist_id

    @api.depends_context("lang")
    @api.depends(
        "partner_id",
        "payment_term_id",
        "rebate_rate",
        "advance_percent",
        "clauses",
        "pricelist_id",
        "floor_pricelist_id",
        "date_start",
        "performance_priced",
        "test_value",
        "company_id.key_account_cpm_product_id",
    )
    def _compute_deviations(self):
        for agreement in self:
            findings = agreement._deviations()
            agreement.deviation_note = "\n".join(f["text"] for f in findings) or False
            agreement.has_deviation = bool(findings)
            agreement.deviation_level = highest_level([f["level"] for f in findings])

    def _search_has_deviation(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on deviations."))
        positive = (operator == "=") == value
        ids = self.search([]).filtered("has_deviation").ids
        return [("id", "in" if positive else "not in", ids)]

    # === CONSTRAINT METHODS === #
    @api.constrains("rebate_rate", "advance_percent", "test_value")
    def _check_percents(self):
        for agreement in self:
            if not (0 <= agreement.rebate_rate < 100) or not (
                0 <= agreement.advance_percent <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Rebate and advance payment are percentages between 0 and 100."
                    )
                )
            if (
                min(
                    agreement.test_value,
                    agreement.performance_price,
                    agreement.test_volume,
                    agreement.test_conversions,
                )
                < 0
                or agreement.test_conversions > agreement.test_volume
            ):
                raise ValidationError(
                    self.env._(
                        "Test data and unit price cannot be negative, and a "
                        "test brings no more sales or actions than sends."
                    )
                )

    # === ACTION METHODS === #
    def action_request_exceptions(self):
        """Draft exception requests for the deviations beyond the KA head's
        authority not covered yet; the rep completes and submits them."""
        self.ensure_one()
        self._key_account_check_transition(
            "action_request_exceptions",
            self.env._("Only a draft agreement asks for exceptions."),
        )
        Exception = self.env["key_account.exception.request"]
        requests = Exception
        for finding in self._uncovered_deviations():
            pending = Exception.search(
                [
                    ("document_model", "=", self._name),
                    ("document_id", "=", self.id),
                    ("exception_type", "=", finding["type"]),
                    ("state", "in", ("draft", "submitted")),
                ],
                limit=1,
            )
            requests |= pending or Exception._request_for(
                self,
                finding["type"],
                finding["value"],
                partner_id=self.partner_id.commercial_partner_id.id,
                company_id=self.company_id.id,
                justification=finding["text"],
            )
        if not requests:
            raise UserError(self.env._("No deviation needs an exception request."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.exception.request",
            "name": self.env._("Exception Requests"),
            "view_mode": "list,form",
            "domain": [("id", "in", requests.ids)],
        }

    # === BUSINESS METHODS === #
    def _performance_problems(self):
        """What a performance-priced agreement lacks before review (SPEC
        R25): its model, the test data file customer support reviews, the
        CPM derived from it and a price system to hold it against."""
        self.ensure_one()
        problems = []
        if not self.pricing_model:
            problems.append(self.env._("Choose the pricing model (CPM, CPS or CPA)."))
        if not self.test_data_ids:
            problems.append(
                self.env._(
                    "Attach the test data of the campaign: customer support "
                    "reviews it with the agreement."
                )
            )
        if not self.test_value:
            problems.append(
                self.env._(
                    "Give the CPM the test data gives (or the unit price and "
                    "the test volume and results it is derived from)."
                )
            )
        if not self._price_system_cpm():
            problems.append(
                self.env._(
                    "The price system gives no CPM to check the test CPM "
                    "against: set the CPM product in the settings and its "
                    "price in the price system."
                )
            )
        return problems

    def _price_system_cpm(self):
        """The price per thousand sends in the agreement's price system (its
        floor price list, the settings' CPM product), in company currency;
        0.0 without one."""
        self.ensure_one()
        company = self.company_id or self.env.company
        product = company.key_account_cpm_product_id
        floor = self.floor_pricelist_id
        if not (product and floor):
            return 0.0
        date = self.date_start or fields.Date.context_today(self)
        price = floor._get_product_price(product, 1.0, date=date)
        return floor.currency_id._convert(price, company.currency_id, company, date)

    def _price_deviations(self):
        """[(product, agreed price, floor price, % below)] of the agreement's
        prices under the price system."""
        self.ensure_one()
        pricelist, floor = self.pricelist_id, self.floor_pricelist_id
        if not pricelist or not floor:
            return []
        products = pricelist.item_ids.product_id | (
            pricelist.item_ids.product_tmpl_id.product_variant_ids
        )
        result = []
        for product in products:
            price = pricelist._get_product_price(product, 1.0, date=self.date_start)
            floor_price = floor._get_product_price(product, 1.0, date=self.date_start)
            floor_price = floor.currency_id._convert(
                floor_price,
                pricelist.currency_id,
                self.company_id or self.env.company,
                self.date_start or fields.Date.today(),
            )
            below = percent_below(price, floor_price)
            if below > 0:
                result.append((product, price, floor_price, below))
        return result

    def _report_prices(self):
        """[(product, agreed unit price)] printed as the price system."""
        self.ensure_one()
        pricelist = self.pricelist_id
        products = pricelist.item_ids.product_id | (
            pricelist.item_ids.product_tmpl_id.product_variant_ids
        )
        return [
            (product, pricelist._get_product_price(product, 1.0, date=self.date_start))
            for product in products.sorted("display_name")
        ]

    def _deviations(self):
        """[{type, value, level, text}] of what departs from the price system
        and the customer's defaults (SPEC R20)."""
        self.ensure_one()
        if not self.partner_id:
            return []
        company = self.company_id or self.env.company
        rules = self.env["key_account.authority.rule"]._rules_by_type(company)
        findings = []

        def add(kind, value, text, rule=None):
            level = rule._level(value) if rule else "director"
            if rule and level == "rep":
                return
            if rule:
                text = rule._explain(text, value) or text
            findings.append(
                {"type": kind, "value": value, "level": level, "text": text}
            )

        date = self.date_start or fields.Date.context_today(self)
        if self.payment_term_id:
            Order = self.env["sale.order"]
            extra = Order._key_account_term_days(
                self.payment_term_id, date
            ) - Order._key_account_term_days(self._customer_term(), date)
            if extra > 0:
                add(
                    "payment_term",
                    extra,
                    self.env._("payment term longer than the customer's by"),
                    rules.get("payment_term"),
                )
        if self.rebate_rate > 0:
            add(
                "rebate",
                self.rebate_rate,
                self.env._("customer rebate"),
                rules.get("rebate"),
            )
        below = [(b[0].display_name, b[3]) for b in self._price_deviations()]
        if self.performance_priced and self.test_value:
            cpm = self._price_system_cpm()
            cpm_below = percent_below(self.test_value, cpm)
            if cpm_below > 0:
                below.append(
                    (
                        self.env._(
                            "test CPM %(test)s under %(cpm)s",
                            test=round(self.test_value, 2),
                            cpm=round(cpm, 2),
                        ),
                        cpm_below,
                    )
                )
        if below:
            worst = max(b[1] for b in below)
            products = ", ".join(b[0] for b in below)
            add(
                "price_floor",
                worst,
                self.env._("prices below the price system (%s) by", products),
                rules.get("price_floor"),
            )
        tier_advance = self.partner_id.commercial_partner_id.key_account_tier_id
        tier_advance = tier_advance.advance_percent
        if tier_advance and self.advance_percent < tier_advance:
            add(
                "other",
                tier_advance - self.advance_percent,
                self.env._(
                    "advance payment %(advance)s %% below the tier's %(tier)s %%",
                    advance=self.advance_percent,
                    tier=tier_advance,
                ),
            )
        if (self.clauses or "").strip():
            add("other", 0.0, self.env._("non-standard clauses"))
        return findings

    def _uncovered_deviations(self):
        """Deviations beyond the KA head's authority with no approved exception."""
        self.ensure_one()
        Exception = self.env["key_account.exception.request"]
        return [
            finding
            for finding in self._deviations()
            if finding["level"] == "manager"
            and finding["type"] in MATRIX_TYPES
            and not Exception._is_approved(self, finding["type"], finding["value"])
        ]
