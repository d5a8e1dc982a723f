from django.db.models.signals import post_save
from django.dispatch import receiver

from carnet.accounts.models import UsedLogin, User


@receiver(post_save, sender=User)
def reserve_login(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    """Whatever created the account (admin, commands…), its login is never given again.

    Bulk creations (imports) reserve their logins themselves: bulk_create sends no signal.
    """
    if created and not raw:
        UsedLogin.objects.get_or_create(username=instance.username)
