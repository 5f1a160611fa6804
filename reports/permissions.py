"""Object access of the report pages: return the object or raise 404 (another district's) or
403 (not a district admin)."""

from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.permissions import require_role

from .models import ExportJob


def get_export_job_for_user(user: User, job_uuid) -> ExportJob:
    """An export of the user's district, for its district admins."""
    job = get_object_or_404(ExportJob, uuid=job_uuid, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return job
