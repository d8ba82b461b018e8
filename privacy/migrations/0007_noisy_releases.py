# The noisy answers given to each viewer, kept for the day, and the privacy budget they spent.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0006_consent_restored_method'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PrivacyBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('spent', models.FloatField(default=0)),
                ('viewer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-day'],
                'constraints': [models.UniqueConstraint(fields=('viewer', 'day'), name='one_budget_per_viewer_day'), models.CheckConstraint(condition=models.Q(('spent__gte', 0)), name='budget_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='Release',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('question', models.CharField(help_text='SHA-256 of the question.', max_length=64)),
                ('answer', models.JSONField()),
                ('epsilon', models.FloatField(help_text='The privacy budget this answer spent.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('viewer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-day', '-id'],
                'constraints': [models.UniqueConstraint(fields=('viewer', 'day', 'question'), name='release_once_per_question_per_day'), models.CheckConstraint(condition=models.Q(('epsilon__gt', 0)), name='release_spends')],
            },
        ),
    ]
