# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import Command, api, fields, models

DEMO_PDF = base64.b64encode(b"%PDF-1.4\n% key_account demo scan\n")


class KeyAccountDemo(models.AbstractModel):
    """Demo data that goes through the workflows (called once from
    ``demo/key_account_demo.xml``; tests run none of it, but decide reviews
    with ``_demo_decide``): each step is taken by the demo user whose role
    takes it, with the documents' own buttons, so the approval history, the
    chatter and the queues are the application's own.

    It leaves something waiting for each role: a quotation for the office
    manager, one for the KA head, a band-2 one for the deputy sales
    director, a designation request and a credit exception for the KA head,
    a write-off for accounting and goods open for objection at an office."""

    _name = "key_account.demo"
    _description = "Key-Account Demo Data"

    # === BUSINESS METHODS === #
    @api.model
    def _load_demo_history(self):
        """Before the invoices are posted: settings, then the past orders."""
        users = self._demo_users()
        self._demo_configure(users)
        self._demo_past_orders(users)
        return True

    @api.model
    def _load_demo_workflows(self):
        """Once the ladder placed the invoices: what waits for each role."""
        # Computed amounts (the customers' receivables) read afresh, as a
        # new request would.
        self.env.flush_all()
        self.env.invalidate_all()
        users = self._demo_users()
        self._demo_waiting_orders(users)
        self._demo_designation_request(users)
        self._demo_credit_exception(users)
        self._demo_writeoff(users)
        self._demo_office_receipt(users)
        return True

    def _demo_users(self):
        ref = self.env.ref
        return {
            "admin": ref("base.user_admin"),
            "rep": ref("key_account.demo_user_rep"),
            "office_manager": ref("key_account.demo_user_office_manager"),
            "head": ref("key_account.demo_user_head"),
            "deputy": ref("key_account.demo_user_deputy_sales_director"),
            "accountant": ref("key_account.demo_user_accountant"),
            "director": ref("key_account.demo_user_director"),
        }

    def _demo_configure(self, users):
        """The accounts and journals the write-off and the commission bills
        need, and the KA head who receives the receivables notices."""
        company = self.env.ref("base.main_company")
        journals = self.env["account.journal"].with_company(company)
        company.write(
            {
                "key_account_head_user_id": users["head"].id,
                "key_account_writeoff_journal_id": self.env.ref(
                    "key_account.demo_journal_writeoff"
                ).id,
                "key_account_bad_debt_account_id": self.env.ref(
                    "key_account.demo_account_bad_debt"
                ).id,
                "key_account_doubtful_account_id": self.env.ref(
                    "key_account.demo_account_doubtful_debt"
                ).id,
                "key_account_settlement_journal_id": journals.search(
                    [("type", "=", "purchase"), ("company_id", "=", company.id)],
                    limit=1,
                ).id,
                "key_account_commission_account_id": self.env.ref(
                    "key_account.demo_account_commission"
                ).id,
                "key_account_expense_account_id": self.env.ref(
                    "key_account.demo_account_commission"
                ).id,
                "key_account_rebate_account_id": self.env.ref(
                    "key_account.demo_account_commission"
                ).id,
            }
        )

    def _demo_decide(self, record, user, method, comment=False):
        """Decide ``record``'s review as ``user`` does in the UI: the
        engine's button ``method`` (``validate_tier``, ``reject_tier``), then
        its comment dialog when it opens one (the tests decide this way
        too)."""
        action = getattr(record.with_user(user), method)()
        if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .with_context(**action["context"])
                .create({"comment": comment})
            )
            wizard.add_comment()

    def _demo_approve(self, record, user, comment=False):
        """Approve as the UI does: the engine's button, then its dialog."""
        self._demo_decide(record, user, "validate_tier", comment)

    def _demo_approve_route(self, record, users):
        """Approve every step of ``record``, each by a demo user whose turn
        it is (approvers by role first, the administrator last)."""
        candidates = [
            users[role] for role in ("office_manager", "head", "deputy", "director")
        ] + [users["admin"]]
        while record.review_ids.filtered(lambda r: r.status in ("waiting", "pending")):
            record.invalidate_recordset(["can_review"])
            reviewer = next(
                (user for user in candidates if record.with_user(user).can_review),
                None,
            )
            if not reviewer:
                raise ValueError(f"No demo approver for {record.display_name}")
            self._demo_approve(record, reviewer, "Within the customer's terms.")

    def _demo_past_orders(self, users):
        """Orders of the last months: requested by their salesperson,
        approved along their band route, confirmed."""
        for xmlid in (
            "key_account.order_shanghai_metro",
            "key_account.order_cathay_foods",
            "key_account.order_pearl_river",
        ):
            order = self.env.ref(xmlid)
            salesperson = order.user_id
            order.with_user(salesperson).action_request_approval()
            self._demo_approve_route(order, users)
            order.with_user(salesperson).action_confirm()

    def _demo_waiting_orders(self, users):
        """A band-1 quotation waiting for the office manager, one beyond the
        rep's authority waiting for the KA head, a band-2 one waiting for the
        deputy sales director."""
        rep = users["rep"]
        self.env.ref("key_account.order_cathay_foods_reorder").with_user(
            rep
        ).action_request_approval()
        discount = self.env.ref("key_account.order_cathay_foods_discount")
        discount.with_user(rep).action_request_approval()
        self._demo_approve(discount, users["office_manager"], "Signed for the office.")
        band2 = self.env.ref("key_account.order_jade_pharma_band2")
        band2.with_user(rep).action_request_approval()
        self._demo_approve(band2, users["head"], "Volume justifies the price.")

    def _demo_designation_request(self, users):
        """The rep asks to make a prospect a key account, with its file."""
        request = self.env.ref("key_account.request_golden_bridge").with_user(
            users["rep"]
        )
        for line in request.document_ids:
            attachment = request.env["ir.attachment"].create(
                {
                    "name": f"{line.document_type_id.name}.pdf",
                    "datas": DEMO_PDF,
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
            line.with_env(request.env).attachment_ids = [Command.link(attachment.id)]
        request.action_submit()

    def _demo_credit_exception(self, users):
        """A quotation held by the customer's credit: the rep asks the KA
        head for a credit exception from the quotation's button."""
        rep = users["rep"]
        order = self.env.ref("key_account.order_pearl_river_credit").with_user(rep)
        action = order.action_key_account_credit_exception()
        vals = {
            key.removeprefix("default_"): value
            for key, value in action["context"].items()
            if key.startswith("default_")
        }
        vals["justification"] = (
            "Seasonal peak: Pearl River pays every month; this order ships "
            "before their next payment.\n" + vals["justification"]
        )
        exception = self.env["key_account.exception.request"].with_user(rep)
        exception.create(vals).action_submit()

    def _demo_writeoff(self, users):
        """A receivable past the write-off threshold: the rep requests the
        write-off, the KA head approves, accounting is next."""
        invoice = self.env.ref("key_account.invoice_north_star_old")
        writeoff = (
            self.env["key_account.writeoff.request"]
            .with_user(users["rep"])
            .create(
                {
                    "partner_id": invoice.commercial_partner_id.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "amount": invoice.amount_residual,
                    "classification": "doubtful",
                    "reason": "The customer disputes the delivery and stopped "
                    "answering; collection notes since the second month.",
                }
            )
        )
        writeoff.action_submit()
        self._demo_approve(writeoff, users["head"], "Collection efforts exhausted.")

    def _demo_office_receipt(self, users):
        """An OEM shipment received by the Shanghai office today: open for
        objection for the office's window."""
        warehouse = self.env.ref("key_account.demo_warehouse_shanghai_office")
        self.env.ref("key_account.partner_shanghai_metro").with_user(
            users["head"]
        ).key_account_warehouse_id = warehouse
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": self.env.ref("base.res_partner_1").id,
                "origin": "OEM-DN-%s-0415" % fields.Date.today().year,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "OEM shipment",
                            "product_id": self.env.ref("product.product_product_4").id,
                            "product_uom_qty": 40,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
