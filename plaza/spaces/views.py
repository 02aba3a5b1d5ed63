"""Pages (being written)."""
from django.http import HttpResponse


def home(request, **kwargs):
    return HttpResponse('todo')

def directory(request, **kwargs):
    return HttpResponse('todo')

def create_space(request, **kwargs):
    return HttpResponse('todo')

def invitation(request, **kwargs):
    return HttpResponse('todo')

def space_home(request, **kwargs):
    return HttpResponse('todo')

def join(request, **kwargs):
    return HttpResponse('todo')

def members(request, **kwargs):
    return HttpResponse('todo')

def member(request, **kwargs):
    return HttpResponse('todo')

def import_members(request, **kwargs):
    return HttpResponse('todo')

def import_status(request, **kwargs):
    return HttpResponse('todo')

def leave(request, **kwargs):
    return HttpResponse('todo')

def teams(request, **kwargs):
    return HttpResponse('todo')

def team(request, **kwargs):
    return HttpResponse('todo')

def invitations(request, **kwargs):
    return HttpResponse('todo')

def join_requests(request, **kwargs):
    return HttpResponse('todo')

def settings_page(request, **kwargs):
    return HttpResponse('todo')

def delete_space(request, **kwargs):
    return HttpResponse('todo')

def transfer(request, **kwargs):
    return HttpResponse('todo')

def audit_log(request, **kwargs):
    return HttpResponse('todo')
