"""Anonymous evaluation answers keep a date, not a moment (issue 18, finding 7). Existing rows
are cut to their date by the column type change (the database casts; in the connection's UTC)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('impact', '0004_certificates'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answered',
            name='at',
            field=models.DateField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='evaluationresponse',
            name='submitted_at',
            field=models.DateField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='evaluationresponse',
            name='updated_at',
            field=models.DateField(auto_now=True),
        ),
        migrations.AlterField(
            model_name='sessionfeedback',
            name='submitted_at',
            field=models.DateField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='sessionfeedback',
            name='updated_at',
            field=models.DateField(auto_now=True),
        ),
    ]
