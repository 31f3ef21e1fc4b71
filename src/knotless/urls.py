from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from knotless.accounts import views as accounts
from knotless.cli.door import cli_door
from knotless.desk import views as desk
from knotless.hydration import views as water
from knotless.insights import views as insights
from knotless.journal import track as journal_track
from knotless.journal import views as journal
from knotless.pagecache import fresh_page
from knotless.physio import views as physio
from knotless.portable import report as portable_report
from knotless.portable import views as portable
from knotless.practice import plan_views, session_list
from knotless.practice import views as practice
from knotless.pwa import views as pwa
from knotless.safety import views as safety
from knotless.sharing import views as sharing
from knotless.training import pages as training_pages
from knotless.training import views as training
from knotless.understand import views as understand

urlpatterns = [
    path("", fresh_page(journal.today), name="today"),
    path("journal/", fresh_page(journal.journal), name="journal"),
    path("knots/new/", journal.knot_new, name="knot_new"),
    path("knots/track/", journal_track.knot_track, name="knot_track"),
    path("knots/<int:knot_id>/", fresh_page(journal.knot_detail), name="knot"),
    path("knots/<int:knot_id>/checkin/", journal.knot_checkin, name="knot_checkin"),
    path("knots/<int:knot_id>/edit/", journal.knot_edit, name="knot_edit"),
    path("knots/<int:knot_id>/untie/", journal.knot_untie, name="knot_untie"),
    path("knots/<int:knot_id>/reopen/", journal.knot_reopen, name="knot_reopen"),
    path("knots/<int:knot_id>/delete/", journal.knot_delete, name="knot_delete"),
    path("knots/<int:knot_id>/checkins/", journal.knot_checkins, name="knot_checkins"),
    path("checkins/<int:checkin_id>/delete/", journal.checkin_delete, name="checkin_delete"),
    path("find/", fresh_page(understand.finder_page), name="finder"),
    path("atlas/", fresh_page(understand.atlas_index), name="atlas"),
    path("atlas/<slug:slug>/", fresh_page(understand.muscle_page), name="muscle"),
    path("learn/knots/", understand.learn_knots, name="learn_knots"),
    path("learn/finder/", understand.learn_finder, name="learn_finder"),
    path("library/", fresh_page(practice.library_index), name="library"),
    path("library/<slug:slug>/", fresh_page(practice.exercise_page), name="exercise"),
    path("library/<slug:slug>/moving.svg", practice.figure_svg, name="figure_moving"),
    path("library/<slug:slug>/still-<int:frame>.svg", practice.figure_svg, name="figure_still"),
    path("play/", practice.play_new, name="play_new"),
    path("play/<int:session_id>/", practice.play, name="play"),
    path("play/<int:session_id>/finish/", practice.play_finish, name="play_finish"),
    path("play/<int:session_id>/discard/", practice.play_discard, name="play_discard"),
    path("plan/", fresh_page(plan_views.plan_page), name="plan"),
    path("plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plan/week/", fresh_page(plan_views.week_page), name="plan_week"),
    path("plan/settings/", plan_views.plan_settings, name="plan_settings"),
    path("plan/calendar/", plan_views.feed_toggle, name="plan_feed_toggle"),
    path("plan/calendar/<str:token>.ics", plan_views.plan_feed, name="plan_feed"),
    path("water/", fresh_page(water.water_page), name="water"),
    path("water/log/", water.water_log, name="water_log"),
    path("water/undo/", water.water_undo, name="water_undo"),
    path("water/day/", water.water_day, name="water_day"),
    path("water/settings/", water.water_settings, name="water_settings"),
    path("desk/", fresh_page(desk.desk_page), name="desk"),
    path("desk/tick/", desk.desk_tick, name="desk_tick"),
    path("desk/action/", desk.desk_action, name="desk_action"),
    path("desk/break/", desk.desk_break, name="desk_break"),
    path("desk/settings/", desk.desk_settings, name="desk_settings"),
    path("sessions/", fresh_page(session_list.sessions_page), name="sessions"),
    path("sessions/<int:session_id>/", practice.session_page, name="session"),
    path("training/", fresh_page(training.log_page), name="training"),
    path("training/lift/", training.log_lift, name="training_lift"),
    path("training/copy/", training.copy_lift, name="training_copy"),
    path("training/session/", training.log_session, name="training_session"),
    path("training/load/", fresh_page(training_pages.load_page), name="training_load"),
    path("training/import/", training_pages.import_page, name="training_import"),
    path("training/programme/", training_pages.programme_page, name="training_programme"),
    path("training/settings/", training_pages.settings_page, name="training_settings"),
    path(
        "training/lifts/<str:key>/",
        fresh_page(training_pages.lift_page),
        name="training_lift_history",
    ),
    path("training/workouts/<int:workout_id>/", training.workout_page, name="training_workout"),
    path("training/workouts/<int:workout_id>/rate/", training.rate_workout, name="training_rate"),
    path(
        "training/workouts/<int:workout_id>/delete/",
        training.workout_delete,
        name="training_workout_delete",
    ),
    path("training/entries/<int:entry_id>/edit/", training.entry_edit, name="training_entry_edit"),
    path(
        "training/entries/<int:entry_id>/delete/",
        training.entry_delete,
        name="training_entry_delete",
    ),
    path(
        "training/entries/<int:entry_id>/morning/",
        training.answer_morning,
        name="training_morning",
    ),
    path("insights/", fresh_page(insights.insights_page), name="insights"),
    path("insights/how/", insights.how_page, name="insights_how"),
    path("insights/experiments/", insights.experiment_start, name="experiment_start"),
    path(
        "insights/experiments/<int:experiment_id>/answer/",
        insights.experiment_answer,
        name="experiment_answer",
    ),
    path(
        "insights/experiments/<int:experiment_id>/stop/",
        insights.experiment_stop,
        name="experiment_stop",
    ),
    path("safety/check/", safety.check, name="safety_check"),
    path("safety/emergency/", safety.emergency, name="safety_emergency"),
    path("setup/<str:token>/", accounts.setup, name="setup"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/data/", portable.data_page, name="data"),
    path("account/report/", portable_report.report_page, name="report"),
    path("account/shares/", sharing.shares_page, name="shares"),
    path("account/shares/new/", sharing.share_new, name="share_new"),
    path("account/shares/<str:share_id>/withdraw/", sharing.share_revoke, name="share_revoke"),
    path("shared/", sharing.share_viewer, name="share_viewer"),
    path("physio/", physio.page, name="physio"),
    path("physio/write/", physio.write, name="physio_write"),
    path("physio/review/", physio.review, name="physio_review"),
    path("physio/add/", physio.add, name="physio_add"),
    path("physio/stop/", physio.stop, name="physio_stop"),
    path("shared/<str:share_id>/manifest", sharing.share_manifest, name="share_manifest"),
    path("shared/file/<str:token>", sharing.share_file, name="share_file"),
    path("account/data/export.zip", portable.export_download, name="data_export"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("healthz", accounts.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_sw"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("pwa/precache.json", pwa.precache, name="pwa_precache"),
    path("pwa/reminders.json", pwa.reminder_status, name="pwa_reminders"),
    path("_cli/", cli_door, name="cli_door"),
    path("admin/", admin.site.urls),
]
