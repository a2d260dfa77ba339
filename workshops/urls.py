from django.urls import path, re_path

from workshops.views import (
    accounts,
    consent,
    content,
    deliveries,
    evaluation,
    history,
    home,
    log,
    members,
    packs,
    pay,
    reviews,
    sessions,
    time,
    two_factor,
)
from workshops.views.help import GlossaryView
from workshops.views.operator import OrganisationCreateView

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/switch/", members.organisation_switch, name="organisation_switch"),
    path(
        "invitations/<slug:token>/",
        members.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("preview/", content.markdown_preview, name="markdown_preview"),
    path("account/sign-in/", accounts.SignInSecurityView.as_view(), name="sign_in_security"),
    path("account/sign-out-everywhere/", accounts.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/my-data.zip", accounts.my_data, name="my_data"),
    path("account/erase/", accounts.EraseAccountView.as_view(), name="erase_account"),
    path("account/two-step/", two_factor.TwoStepManageView.as_view(), name="two_factor_manage"),
    path(
        "account/two-step/code/", two_factor.TwoStepVerifyView.as_view(), name="two_factor_verify"
    ),
    path(
        "account/two-step/set-up/", two_factor.TwoStepSetUpView.as_view(), name="two_factor_setup"
    ),
    path(
        "account/two-step/recovery-codes/",
        two_factor.RecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path(
        "account/two-step/recovery-codes/new/",
        two_factor.RecoveryCodesNewView.as_view(),
        name="two_factor_recovery_codes_new",
    ),
    path(
        "account/two-step/recovery-codes.txt",
        two_factor.RecoveryCodesDownloadView.as_view(),
        name="two_factor_recovery_codes_download",
    ),
    path(
        "account/two-step/turn-off/",
        two_factor.TwoStepTurnOffView.as_view(),
        name="two_factor_turn_off",
    ),
    path(
        "account/emails/",
        reviews.NotificationPreferenceView.as_view(),
        name="notification_preferences",
    ),
    # Organisation
    path("o/<int:org_id>/", content.WorkshopListView.as_view(), name="workshop_list"),
    path(
        "o/<int:org_id>/workshops/new/",
        content.WorkshopCreateView.as_view(),
        name="workshop_create",
    ),
    path("o/<int:org_id>/members/", members.MemberListView.as_view(), name="member_list"),
    path(
        "o/<int:org_id>/members/invite/", members.MemberInviteView.as_view(), name="member_invite"
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/edit/",
        members.MemberEditView.as_view(),
        name="member_edit",
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/unlock/",
        members.MemberUnlockView.as_view(),
        name="member_unlock",
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/data.zip",
        members.MemberDataView.as_view(),
        name="member_data",
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/erase/",
        members.MemberEraseView.as_view(),
        name="member_erase",
    ),
    path("o/<int:org_id>/retention/", members.RetentionView.as_view(), name="retention"),
    path("o/<int:org_id>/rules/", members.WorkingRulesView.as_view(), name="working_rules"),
    path(
        "o/<int:org_id>/members/<int:pk>/remove/",
        members.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "o/<int:org_id>/credit/", members.CreditPreferenceView.as_view(), name="credit_preference"
    ),
    path(
        "o/<int:org_id>/two-step/",
        two_factor.OrganisationTwoStepView.as_view(),
        name="organisation_two_step",
    ),
    path("o/<int:org_id>/log/", log.ContributionLogView.as_view(), name="contribution_log"),
    path(
        "o/<int:org_id>/log/checkpoint.json",
        log.ContributionLogCheckpointView.as_view(),
        name="contribution_log_checkpoint",
    ),
    path(
        "o/<int:org_id>/log.csv", log.ContributionLogCsvView.as_view(), name="contribution_log_csv"
    ),
    path(
        "o/<int:org_id>/log/summary/",
        log.ContributionSummaryView.as_view(),
        name="contribution_summary",
    ),
    path("o/<int:org_id>/time/", time.TimeRecordsView.as_view(), name="time_records"),
    path("o/<int:org_id>/time.csv", time.TimeRecordsCsvView.as_view(), name="time_records_csv"),
    # Fair pay
    path("o/<int:org_id>/pay/rates/", pay.RateCardView.as_view(), name="pay_rates"),
    path("o/<int:org_id>/pay/choices/", pay.PaymentChoicesView.as_view(), name="pay_choices"),
    path("o/<int:org_id>/pay/expenses/", pay.ExpensesView.as_view(), name="pay_expenses"),
    path(
        "o/<int:org_id>/pay/expenses/<int:pk>/edit/",
        pay.ExpenseEditView.as_view(),
        name="pay_expense_edit",
    ),
    path(
        "o/<int:org_id>/pay/expenses/<int:pk>/remove/",
        pay.ExpenseRemoveView.as_view(),
        name="pay_expense_remove",
    ),
    path("o/<int:org_id>/pay/months/", pay.PayMonthsView.as_view(), name="pay_months"),
    path(
        "o/<int:org_id>/pay/months/<int:pk>/reopen/",
        pay.PayMonthReopenView.as_view(),
        name="pay_month_reopen",
    ),
    path("o/<int:org_id>/pay/funding/", pay.FundingPotView.as_view(), name="pay_funding"),
    path(
        "o/<int:org_id>/pay/statement.csv",
        pay.StatementCsvView.as_view(),
        name="pay_statement_csv",
    ),
    path(
        "o/<int:org_id>/pay/statement.pdf",
        pay.StatementPdfView.as_view(),
        name="pay_statement_pdf",
    ),
    path("o/<int:org_id>/pay/payroll.csv", pay.PayrollCsvView.as_view(), name="pay_payroll_csv"),
    # Workshops
    path("workshops/<int:pk>/", content.WorkshopDetailView.as_view(), name="workshop_detail"),
    path("workshops/<int:pk>/edit/", content.WorkshopEditView.as_view(), name="workshop_edit"),
    path(
        "workshops/<int:pk>/modules/new/", content.ModuleCreateView.as_view(), name="module_create"
    ),
    path("workshops/<int:pk>/packs/", packs.WorkshopPacksView.as_view(), name="workshop_packs"),
    path("workshops/<int:pk>/packs/new/", packs.PackRequestView.as_view(), name="pack_request"),
    path("packs/<int:pk>/", packs.PackDetailView.as_view(), name="pack_detail"),
    path("packs/<int:pk>/retry/", packs.PackRetryView.as_view(), name="pack_retry"),
    path("packs/<int:pk>/download/", packs.PackDownloadView.as_view(), name="pack_download"),
    path(
        "workshops/<int:pk>/sessions/",
        sessions.WorkshopSessionsView.as_view(),
        name="workshop_sessions",
    ),
    # Deliveries
    path(
        "workshops/<int:pk>/deliveries/",
        deliveries.WorkshopDeliveriesView.as_view(),
        name="workshop_deliveries",
    ),
    path(
        "workshops/<int:pk>/deliveries/new/",
        deliveries.DeliveryCreateView.as_view(),
        name="delivery_create",
    ),
    path("deliveries/<int:pk>/", deliveries.DeliveryDetailView.as_view(), name="delivery_detail"),
    path("deliveries/<int:pk>/edit/", deliveries.DeliveryEditView.as_view(), name="delivery_edit"),
    path(
        "deliveries/<int:pk>/attendees/new/",
        deliveries.AttendeeCreateView.as_view(),
        name="attendee_create",
    ),
    path("attendees/<int:pk>/edit/", deliveries.AttendeeEditView.as_view(), name="attendee_edit"),
    path(
        "attendees/<int:pk>/delete/",
        deliveries.AttendeeDeleteView.as_view(),
        name="attendee_delete",
    ),
    path(
        "delivery-sessions/<int:pk>/edit/",
        deliveries.DeliverySessionEditView.as_view(),
        name="delivery_session_edit",
    ),
    path(
        "delivery-sessions/<int:pk>/register/",
        deliveries.RegisterView.as_view(),
        name="delivery_register",
    ),
    path(
        "delivery-sessions/<int:pk>/sign-in-sheet/",
        deliveries.SignInSheetView.as_view(),
        name="delivery_sign_in_sheet",
    ),
    # The consent behind a lived-experience story
    path(
        "sections/<int:pk>/consent/",
        consent.StoryConsentView.as_view(),
        name="story_consent",
    ),
    path(
        "sections/<int:pk>/consent/withdraw/",
        consent.StoryConsentWithdrawView.as_view(),
        name="story_consent_withdraw",
    ),
    # Evaluation: the answer pages anyone with a delivery's link reaches, then the team's pages
    path("answer/<slug:key>/", evaluation.answer_start, name="answer_start"),
    re_path(
        r"^answer/(?P<key>[-\w]+)/(?P<stage>before|after)/$",
        evaluation.answer_form,
        name="answer_form",
    ),
    path("answer/<slug:key>/thanks/", evaluation.answer_thanks, name="answer_thanks"),
    path(
        "workshops/<int:pk>/evaluation/new/",
        evaluation.EvaluationCreateView.as_view(),
        name="evaluation_create",
    ),
    path(
        "workshops/<int:pk>/results/",
        evaluation.WorkshopResultsView.as_view(),
        name="workshop_results",
    ),
    path(
        "workshops/<int:pk>/results.csv",
        evaluation.WorkshopResultsCsvView.as_view(),
        name="workshop_results_csv",
    ),
    path(
        "deliveries/<int:pk>/results/",
        evaluation.DeliveryResultsView.as_view(),
        name="delivery_results",
    ),
    path(
        "deliveries/<int:pk>/results.csv",
        evaluation.DeliveryResultsCsvView.as_view(),
        name="delivery_results_csv",
    ),
    path(
        "deliveries/<int:pk>/answer-sheet/",
        evaluation.AnswerSheetView.as_view(),
        name="delivery_answer_sheet",
    ),
    re_path(
        r"^deliveries/(?P<pk>\d+)/paper-answers/(?P<stage>before|after)/$",
        evaluation.PaperAnswersView.as_view(),
        name="paper_answers",
    ),
    path(
        "deliveries/<int:pk>/answers-open/",
        evaluation.AnswersOpenView.as_view(),
        name="answers_open",
    ),
    path(
        "deliveries/<int:pk>/actions/new/",
        evaluation.FeedbackActionCreateView.as_view(),
        name="feedback_action_create",
    ),
    path(
        "feedback-actions/<int:pk>/done/",
        evaluation.FeedbackActionDoneView.as_view(),
        name="feedback_action_done",
    ),
    # Co-design sessions
    path("sessions/<int:pk>/", sessions.SessionDetailView.as_view(), name="session_detail"),
    path(
        "sessions/<int:pk>/presence/",
        sessions.SessionPresenceView.as_view(),
        name="session_presence",
    ),
    path("sessions/<int:pk>/record/", sessions.SessionRecordView.as_view(), name="session_record"),
    path("sessions/<int:pk>/end/", sessions.SessionEndView.as_view(), name="session_end"),
    path(
        "sessions/<int:pk>/confirm-time/",
        sessions.SessionConfirmTimeView.as_view(),
        name="session_confirm_time",
    ),
    path(
        "sessions/<int:pk>/sections/<int:section_id>/live/",
        sessions.LiveSectionView.as_view(),
        name="live_section",
    ),
    # Modules
    path("modules/<int:pk>/", content.ModuleDetailView.as_view(), name="module_detail"),
    path("modules/<int:pk>/edit/", content.ModuleEditView.as_view(), name="module_edit"),
    path("modules/<int:pk>/delete/", content.ModuleDeleteView.as_view(), name="module_delete"),
    path("modules/<int:pk>/move/", content.ModuleMoveView.as_view(), name="module_move"),
    path(
        "modules/<int:pk>/deleted/", history.DeletedSectionsView.as_view(), name="deleted_sections"
    ),
    path(
        "modules/<int:pk>/sections/new/", content.SectionCreateView.as_view(), name="section_create"
    ),
    path(
        "modules/<int:pk>/review/", reviews.ReviewRoundOpenView.as_view(), name="review_round_open"
    ),
    path("modules/<int:pk>/rounds/", reviews.ModuleRoundsView.as_view(), name="module_rounds"),
    # Review rounds
    path("rounds/<int:pk>/", reviews.ReviewRoundDetailView.as_view(), name="review_round_detail"),
    path("rounds/<int:pk>/decide/", reviews.ReviewDecideView.as_view(), name="review_decide"),
    path("rounds/<int:pk>/withdraw/", reviews.ReviewWithdrawView.as_view(), name="review_withdraw"),
    path("rounds/<int:pk>/comments/", reviews.CommentAddView.as_view(), name="comment_add"),
    path(
        "comments/<int:pk>/resolve/", reviews.CommentResolveView.as_view(), name="comment_resolve"
    ),
    # Sections
    path("sections/<int:pk>/edit/", content.SectionEditView.as_view(), name="section_edit"),
    path("sections/<int:pk>/delete/", content.SectionDeleteView.as_view(), name="section_delete"),
    path("sections/<int:pk>/move/", content.SectionMoveView.as_view(), name="section_move"),
    path(
        "sections/<int:pk>/undelete/",
        history.SectionUndeleteView.as_view(),
        name="section_undelete",
    ),
    path(
        "sections/<int:pk>/history/", history.SectionHistoryView.as_view(), name="section_history"
    ),
    path(
        "sections/<int:pk>/compare/", history.SectionCompareView.as_view(), name="section_compare"
    ),
    path(
        "sections/<int:pk>/history/<int:version>/restore/",
        history.SectionRestoreView.as_view(),
        name="section_restore",
    ),
    path(
        "sections/<int:pk>/authors/", history.SectionAuthorsView.as_view(), name="section_authors"
    ),
    path("help/words/", GlossaryView.as_view(), name="glossary"),
    path(
        "operator/organisations/new/",
        OrganisationCreateView.as_view(),
        name="operator_organisation_create",
    ),
]
