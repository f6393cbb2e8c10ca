from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Deals")

    def ready(self):
        from accounts.context_processors import register_navigation
        from companylists.usage import register_page, register_usage
        from crm.followup_extras import register_followup_extra
        from crm.ownership import register_follower
        from crm.sections import register_customer_section
        from customfields.registry import register_target
        from customfields.services import register_deletion_listener
        from customfields.values import keep_and_remove
        from deals import conversations, policies
        from deals.followers import open_deals_follow
        from deals.models import Deal
        from deals.sections import customer_section

        # Open deals follow their customer through every change of owner (crm.ownership.move).
        register_follower(open_deals_follow)
        register_target("deal", Deal)  # the company's own deal fields live in Deal.custom
        register_deletion_listener("deal", keep_and_remove)
        register_customer_section("deals/_customer_section.html", customer_section)
        register_followup_extra("deal", field=conversations.deal_field, save=conversations.link,
                                template="deals/_followup_deal.html", panel=conversations.followup_panel)
        register_navigation("deals:deal-list", _("Deals"), policies.may_use_deals, after="crm:pool-list")
        # The company's lists: lost reasons live with the stages; deals store a source's key.
        register_page("deals:stage-list", _("Lost reasons (with the deal stages)"))
        register_usage("source", lambda key: Deal.objects.filter(source=key).count())
