"""Pages (being written)."""
from django.http import HttpResponse


def profile(request, **kwargs):
    return HttpResponse('todo')

def tokens(request, **kwargs):
    return HttpResponse('todo')

def revoke_token(request, **kwargs):
    return HttpResponse('todo')

def deactivate(request, **kwargs):
    return HttpResponse('todo')
