from django.db.models.signals import post_save
from django.dispatch import receiver

from carnet.accounts.enums import DisabledReason
from carnet.accounts.models import UsedLogin, User
from carnet.accounts.services import users_activity_set
from carnet.directory.signals import pupil_status_changed


@receiver(post_save, sender=User)
def reserve_login(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    """Whatever created the account (admin, commands…), its login is never given again.

    Bulk creations (imports) reserve their logins themselves: bulk_create sends no signal.
    """
    if created and not raw:
        UsedLogin.objects.get_or_create(username=instance.username)


@receiver(pupil_status_changed)
def pupil_account_follows(sender, pupil, active: bool, **kwargs) -> None:
    """A learner marked « sorti » by hand cannot sign in any more; back, they can again
    (unless the administrator disabled the account)."""
    if pupil.user_id is None:
        return
    users_activity_set(
        establishment=pupil.establishment,
        disable={} if active else {pupil.user_id: DisabledReason.LEFT},
        enable=[pupil.user_id] if active else [],
    )
