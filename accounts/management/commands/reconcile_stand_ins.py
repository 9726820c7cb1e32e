"""Run daily (just after midnight, Asia/Shanghai): stand-ins that begin today give their groups,
those that ended yesterday take them back — for accounts that use only the API, or have no session."""

from django.core.management.base import BaseCommand

from accounts.services import reconcile_stand_ins


class Command(BaseCommand):
    help = "Bring every stand-in's temporary unit groups in line with the stand-ins in force today."

    def handle(self, *args, **options):
        changes = reconcile_stand_ins()
        self.stdout.write(f"stand-ins reconciled: {changes} group change(s)")
