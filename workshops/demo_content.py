"""The demo's people and workshop text, as plain data. Used only by ``manage.py seed_demo``.

Nothing here touches the database. Every name is invented; the public bodies in the references
are real. Section authors are named by email so that the seed can write each section through the
services as that person, and the contribution log shows who wrote what.
"""

import os
from textwrap import dedent

from workshops.enums import (
    CreditPreference,
    ExpenseKind,
    OrganisationKind,
    Payment,
    Perspective,
    RateUnit,
    Role,
    SectionAudience,
    SectionKind,
    SourceTag,
    TimeActivity,
)

DEMO_PASSWORD = "coprod-demo-2026"
# scripts/run-demo serves the demo on PORT (8000 by default).
DEMO_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"

RIVERSIDE = "Riverside Children's Learning Disability Service"
HILLSIDE = "Hillside Family Carers Charity"

ORGANISATIONS = (
    {"name": RIVERSIDE, "kind": OrganisationKind.NHS_SERVICE},
    {"name": HILLSIDE, "kind": OrganisationKind.CHARITY},
)

# Riverside
HELEN = "helen.lead@example.org"
SAM = "sam.carer@example.org"
JOSIE = "josie.carer@example.org"
TOM = "tom.nurse@example.org"
ANITA = "anita.psychologist@example.org"
GARETH = "gareth.observer@example.org"
# Both organisations
RUTH = "ruth.pbs@example.org"
# Hillside
MAGGIE = "maggie.lead@example.org"
KIRAN = "kiran.carer@example.org"


def _membership(organisation, role, perspective, *, is_external=False, credit=None):
    return {
        "organisation": organisation,
        "role": role,
        "perspective": perspective,
        "is_external": is_external,
        "credit_preference": credit or CreditPreference.FULL_NAME,
    }


PEOPLE = (
    {
        "email": HELEN,
        "full_name": "Helen Ashworth",
        "first_name": "Helen",
        "memberships": (_membership(RIVERSIDE, Role.LEAD, Perspective.PROFESSIONAL),),
    },
    {
        "email": SAM,
        "full_name": "Sam Carter",
        "first_name": "Sam",
        "memberships": (_membership(RIVERSIDE, Role.CO_TRAINER, Perspective.FAMILY_CARER),),
    },
    {
        "email": JOSIE,
        "full_name": "Josephine Mwangi",
        "first_name": "Josie",
        "memberships": (
            _membership(
                RIVERSIDE,
                Role.CO_TRAINER,
                Perspective.FAMILY_CARER,
                credit=CreditPreference.FIRST_NAME,
            ),
        ),
    },
    {
        "email": TOM,
        "full_name": "Tom Fletcher",
        "first_name": "Tom",
        "memberships": (_membership(RIVERSIDE, Role.CO_TRAINER, Perspective.PROFESSIONAL),),
    },
    {
        "email": ANITA,
        "full_name": "Anita Sharma",
        "first_name": "Anita",
        "memberships": (_membership(RIVERSIDE, Role.CO_TRAINER, Perspective.PROFESSIONAL),),
    },
    {
        "email": GARETH,
        "full_name": "Gareth Price",
        "first_name": "Gareth",
        "memberships": (_membership(RIVERSIDE, Role.OBSERVER, Perspective.FAMILY_CARER),),
    },
    {
        "email": RUTH,
        "full_name": "Ruth Adeyemi",
        "first_name": "Ruth",
        "memberships": (
            _membership(
                RIVERSIDE, Role.EXTERNAL_SUPPORTER, Perspective.PROFESSIONAL, is_external=True
            ),
            _membership(
                HILLSIDE, Role.EXTERNAL_SUPPORTER, Perspective.PROFESSIONAL, is_external=True
            ),
        ),
    },
    {
        "email": MAGGIE,
        "full_name": "Maggie Doyle",
        "first_name": "Maggie",
        "memberships": (_membership(HILLSIDE, Role.LEAD, Perspective.FAMILY_CARER),),
    },
    {
        "email": KIRAN,
        "full_name": "Kiran Bains",
        "first_name": "Kiran",
        "memberships": (_membership(HILLSIDE, Role.CO_TRAINER, Perspective.FAMILY_CARER),),
    },
)


def _md(text):
    """Markdown written indented in this file, without the indent."""
    return dedent(text).strip() + "\n"


def _section(
    title,
    kind,
    author,
    tags,
    body,
    *,
    audience=SectionAudience.EVERYONE,
    content_note="",
):
    return {
        "title": title,
        "kind": kind,
        "author": author,
        "source_tags": tuple(tags),
        "body": _md(body),
        "audience": audience,
        "content_note": content_note,
    }


def _outcomes(*lines):
    return "\n".join(lines)


# --- Riverside: the starter workshop ------------------------------------------------------------

MODULE_WHAT_PBS_IS = {
    "title": "What Positive Behaviour Support is",
    "author": TOM,
    "planned_minutes": 45,
    "learning_outcomes": _outcomes(
        "Describe PBS in your own words as a way of understanding and supporting a child",
        "Name the three parts of PBS: values, understanding, and a plan that is mostly prevention",
        "Know that you are the expert in your own child, and that PBS needs what you know",
    ),
    "sections": (
        _section(
            "Key messages",
            SectionKind.KEY_MESSAGES,
            TOM,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.RESEARCH_EVIDENCE),
            """
            - Positive Behaviour Support (PBS) is about **understanding** a child, not
              controlling them.
            - Behaviour that challenges usually makes sense once we know what the child is trying
              to tell us, get, or get away from.
            - A good life comes first: when a child's needs are met, behaviours that challenge
              often reduce.
            - You know your child best. Professionals bring knowledge from research and practice;
              families bring knowledge of the child. PBS needs both.
            - PBS never uses punishment, and it never starts with restriction.
            """,
        ),
        _section(
            "What we mean by Positive Behaviour Support",
            SectionKind.EXPLANATION,
            ANITA,
            (SourceTag.RESEARCH_EVIDENCE, SourceTag.NATIONAL_CHARITY),
            """
            Positive Behaviour Support is a way of working with a child, their family and the
            people around them. It has three parts that fit together.

            ## Values

            PBS starts from respect. Every child has a right to a good life: to be included, to
            make choices, to be healthy and to be with people who care about them. We never use
            pain, fear or humiliation to change behaviour.

            ## Understanding

            Behaviour happens for a reason. By looking carefully at *when* and *where* a
            behaviour happens, and at what happens just before and just after, we can usually
            work out what need the behaviour is meeting for the child. Professionals call this a
            *functional assessment*.

            ## A plan that is mostly about prevention

            What we learn goes into a *behaviour support plan* (sometimes called a PBS plan).
            Most of it is about making life better and preventing distress: changes to routines,
            to surroundings and to how we communicate, and teaching new skills. A smaller part
            says how to keep everyone safe if things do become difficult.

            A good plan is written **with** the family, in plain language, and looked at again
            regularly. If a plan does not fit your home, it is the plan that needs changing,
            not you.
            """,
        ),
        _section(
            "Our first PBS meeting",
            SectionKind.LIVED_EXPERIENCE_STORY,
            SAM,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            When our son was seven, his school rang us most days. He was hitting out and
            throwing things, and we were exhausted. The first time a PBS practitioner came to our
            house, I expected to be told what we were doing wrong.

            She didn't do that. She asked what our son loved. Nobody had asked us that for years.

            > "I remember saying 'trains, bubbles and his nan', and then crying, because I
            > realised we'd stopped doing most of those things. Everything had become about
            > getting through the day."

            Over the next few weeks we kept simple notes together. It turned out that most of the
            hard moments came at the end of the school day, when he was tired and hungry and the
            house was noisy. He wasn't being "naughty". He was overwhelmed and had no other way to
            tell us.

            What changed things was not one clever trick. It was small things: a snack in the
            car, a quiet ten minutes with his bubbles before anything else, and his nan visiting
            on Thursdays again.

            **What I'd like you to take away:** nobody is judging you here. You already know a
            lot about your child. PBS helped us use what we knew.
            """,
        ),
        _section(
            "Getting to know each other: what my child loves",
            SectionKind.ACTIVITY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.ATTENDEE_FEEDBACK),
            """
            **Time:** 15 minutes. **You'll need:** sticky notes and pens.

            1. Introduce yourself with your first name, and your child's first name if you'd
               like to.
            2. Tell the group **one thing your child loves** and **one thing that makes them
               laugh**.
            3. Write them on a sticky note and add it to the wall.

            There's no need to talk about difficult behaviour yet. We start with what is good
            about our children, because that is where PBS starts too.

            At the end we'll look at the wall together. Those things matter: later in the
            workshop we'll use them to plan more good moments.
            """,
        ),
        _section(
            "Opening the first session",
            SectionKind.FACILITATOR_NOTES,
            HELEN,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.ATTENDEE_FEEDBACK),
            """
            - Arrive early enough for both co-trainers to greet people at the door. Families
              tell us that walking into a room of strangers is one of the hardest parts.
            - Introduce yourselves as a pair, a family carer and a professional, here as equals.
              Say which of you will lead each part.
            - Agree the ground rules together: what is said in the room stays in the room;
              nobody has to share anything; it's fine to step out to take a call about your
              child.
            - Point out the quiet room, the tea and the toilets, and say that people can leave
              and come back at any time.
            - Avoid jargon. If a term slips out (for example "function" or "antecedent"), stop
              and explain it.
            - Earlier groups told us they valued hearing the family-carer trainer speak first.
            """,
            audience=SectionAudience.FACILITATORS,
        ),
    ),
}

MODULE_WHY_BEHAVIOURS_HAPPEN = {
    "title": "Why behaviours happen",
    "author": ANITA,
    "planned_minutes": 60,
    "learning_outcomes": _outcomes(
        "Explain why behaviour that challenges is often a way of communicating",
        "Name four common reasons (functions) behind a behaviour",
        "Recognise setting events and triggers that make a hard moment more likely",
        "Use a simple ABC chart to notice patterns at home",
    ),
    "sections": (
        _section(
            "Behaviour is communication",
            SectionKind.EXPLANATION,
            ANITA,
            (SourceTag.RESEARCH_EVIDENCE, SourceTag.PROFESSIONAL_PRACTICE),
            """
            All behaviour tells us something. A child who cannot easily say "I'm in pain", "this
            is too loud" or "I want you to play with me" may show us instead, sometimes in ways
            that are hard to live with or that put them or others at risk.

            We call this *behaviour that challenges*. The words matter: the behaviour challenges
            **us**, and the services around the child, to understand and respond better. It is
            not a label for the child.

            ## Four common reasons

            Behaviours often serve one or more of these purposes (professionals call them
            *functions*):

            - **To connect with people:** to get attention, comfort or company.
            - **To get something:** a favourite object, food or activity.
            - **To escape or avoid something:** a demand, a noisy room, a task that feels too
              hard.
            - **Sensory reasons:** because it feels good, or because it eases pain, boredom or
              discomfort.

            The same behaviour can have different reasons for different children, and even for
            the same child at different times.

            ## Setting events and triggers

            Some things make a hard moment more likely long before it happens: poor sleep,
            hunger, illness, pain (toothache, constipation and ear infections are common and
            easy to miss), a change of routine or a new face at school. These are called
            *setting events*.

            A *trigger* is what happens just before: being asked to stop an activity, a sudden
            noise, a brother or sister taking a toy.

            If your child's behaviour changes suddenly, always think about **health and pain
            first**, and speak to your GP.
            """,
        ),
        _section(
            "What Leo was telling us",
            SectionKind.LIVED_EXPERIENCE_STORY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            Leo is my youngest. He is autistic, has a severe learning disability and doesn't use
            words. When he was nine he started hitting his head, hard, on walls and on the floor.

            We were frightened. We ended up in A&E one night with a cut above his eye. Someone
            there asked, kindly enough, "Is he always like this?" and I didn't know how to answer.

            > "He wasn't always like this. Something had changed, and none of us could see what
            > it was. I just kept thinking: he's trying to tell me something and I can't hear it."

            Our nurse suggested we write down every time it happened: the time, where he was,
            what had happened just before, and what we did. After two weeks the pattern was
            there on the paper. It was worse at night and after meals, and he often pressed the
            side of his face first.

            It was his teeth. He had two abscesses. After the dentist, the head-hitting almost
            stopped.

            I tell this story because **pain is so easy to miss** in a child who can't tell you
            about it, and because writing things down helped me feel less helpless. I was doing
            something.
            """,
            content_note="Mentions a child hurting himself and a night in A&E.",
        ),
        _section(
            "Being a detective: the ABC of a hard moment",
            SectionKind.ACTIVITY,
            TOM,
            (SourceTag.PROFESSIONAL_PRACTICE,),
            """
            **Time:** 20 minutes, in pairs.

            Think of one recent moment that was hard for your child, one you feel all right
            talking about. With your partner, talk it through step by step:

            | Step | Ask yourself | For example |
            |---|---|---|
            | **A**: before | What was going on just before? | Told to stop the tablet for tea |
            | **B**: behaviour | What did my child do? | Threw the tablet and ran upstairs |
            | **C**: after | What happened straight after? | Tea was put back by 20 minutes |

            Describe the behaviour as if you were filming it: what you saw and heard.

            Then ask each other:

            - Was there anything earlier in the day that made it more likely? Tired, hungry,
              unwell?
            - What do you think your child was trying to tell you, or to get away from?

            There are no wrong answers. The point is to get curious, not to find someone to
            blame, least of all yourself.
            """,
        ),
        _section(
            "An ABC chart for home",
            SectionKind.HANDOUT_TEXT,
            SAM,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.PROFESSIONAL_PRACTICE),
            """
            Use this for a week or two. Keep it somewhere handy, like the fridge door or the
            notes on your phone. Write things down soon after, when you get a moment. Short
            notes are fine.

            | When | A: just before | B: what my child did | C: straight after |
            |---|---|---|---|
            | | | | |
            | | | | |
            | | | | |

            **Also worth noting each day:** how your child slept, what they ate, whether they
            seemed unwell or in pain, and anything different about the day.

            **Tips from parents who have done this:**

            - Write what you saw and heard, not what you think it meant: "bit his hand" rather
              than "was in a mood".
            - Note the good times too. Knowing when things go well is just as useful.
            - Take the chart to your next appointment. It helps professionals see what you see
              every day.
            """,
        ),
        _section(
            "Keeping this session safe",
            SectionKind.FACILITATOR_NOTES,
            ANITA,
            (SourceTag.PROFESSIONAL_PRACTICE,),
            """
            - This session can bring back hard memories. Read out the content note before
              Josie's story and remind people they can step out.
            - Keep the focus on understanding, not blame. If a parent says "it's my fault",
              gently reflect that behaviour has many causes and that they are here because they
              care.
            - In the ABC activity people may describe injuries or risks. If you hear something
              that suggests anyone is at risk of harm, follow the service's safeguarding
              procedure and speak to the parent privately at the break.
            - Don't try to do a functional assessment for a family in the room. Offer a
              follow-up with the team instead, and note who asked.
            - Keep to four plain-language reasons. Avoid "attention-seeking"; say "seeking
              connection".
            """,
            audience=SectionAudience.FACILITATORS,
        ),
    ),
}

MODULE_QUALITY_OF_LIFE = {
    "title": "Quality of life comes first",
    "author": SAM,
    "planned_minutes": 45,
    "learning_outcomes": _outcomes(
        "Explain why a good quality of life is the foundation of PBS",
        "Think about your child's health, relationships, activities, choices and communication",
        "Choose one small change that would bring more good moments into your child's week",
    ),
    "sections": (
        _section(
            "Key messages",
            SectionKind.KEY_MESSAGES,
            SAM,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.RESEARCH_EVIDENCE),
            """
            - Children, like all of us, are more settled when their lives have enough of the
              things that matter to them.
            - A good life is not a reward for "good behaviour". It is where we start.
            - Quality of life includes health and sleep, family and friends, things to do,
              choice and control, and a way to communicate.
            - Small changes count. A better week is built from better hours.
            - Your life matters too: a plan that wears the family out is not a good plan.
            """,
        ),
        _section(
            "What a good life looks like for a child",
            SectionKind.EXPLANATION,
            HELEN,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.NATIONAL_CHARITY),
            """
            In PBS, a better quality of life is not an extra. It is the main way to prevent
            distress, and one of the ways we judge whether a plan is working.

            It can help to think about a few areas of life:

            - **Health and wellbeing.** Sleep, food, exercise, pain, medication, and regular
              check-ups with the GP, dentist, optician and hearing services.
            - **Relationships.** Time with the people your child loves, and chances to be around
              other children.
            - **Things to do.** Activities your child enjoys and is good at, at home and out and
              about. Too little to do is as hard as too much.
            - **Choice and control.** Ways for your child to say yes, no and "I want…", and to
              have some say in their day.
            - **Communication.** Pictures, signs, objects, devices or words that help your child
              to be understood, and people around them who know how to use them.
            - **Belonging.** Being part of family life, school and the community, not kept apart
              from them.

            When we look at these areas we often find gaps that nobody planned. Filling them is
            usually the most powerful thing a plan can do.
            """,
        ),
        _section(
            "A good day and a hard day",
            SectionKind.ACTIVITY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            **Time:** 20 minutes, on your own and then in small groups.

            Draw two columns on your sheet: **a good day** and **a hard day** for your child.

            For each one, think about:

            - How did your child sleep the night before?
            - Who were they with?
            - What did they do? Was there enough to do, or too much?
            - Did they get to choose anything?
            - Could they let people know what they wanted?

            Then look at the differences. Pick **one small thing** from the good-day column that
            you could bring into one more day next week. Make it small enough that it would
            still happen in a tired week.

            Share it with your group if you'd like to. We'll ask how it went at the start of the
            next session.
            """,
        ),
        _section(
            "Saturday mornings",
            SectionKind.LIVED_EXPERIENCE_STORY,
            SAM,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            For a long time Saturday mornings were the worst part of our week. No school, no
            routine, two other children wanting things, and our son getting more and more wound
            up until something got thrown.

            When we did the good day and hard day exercise, it was obvious. On good days he'd
            been out early, on his own terms, with one person. On hard days he'd been stuck
            indoors with all of us.

            > "We didn't need a new strategy for the behaviour. We needed a new plan for
            > Saturday."

            Now his dad takes him swimming first thing, when the pool is quiet. It's an hour,
            not a miracle, but the rest of the day is a different day. And his sisters get some
            time with me.
            """,
        ),
    ),
}

MODULE_PROACTIVE_STRATEGIES = {
    "title": "Proactive strategies: preventing hard moments",
    "author": TOM,
    "planned_minutes": 60,
    "learning_outcomes": _outcomes(
        "Explain the difference between proactive and reactive strategies",
        "Use changes to routine, surroundings and communication to prevent distress",
        "Teach and reward skills that meet the same need as the behaviour",
        "Recognise your child's early warning signs and respond early",
    ),
    "sections": (
        _section(
            "Proactive and reactive: what's the difference?",
            SectionKind.EXPLANATION,
            TOM,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.RESEARCH_EVIDENCE),
            """
            A behaviour support plan has two kinds of strategy.

            **Proactive strategies** happen when things are calm. They make hard moments less
            likely and help your child get what they need in other ways. They are most of the
            plan.

            **Reactive strategies** are for when a hard moment is already happening. Their only
            job is to keep everyone safe and help your child calm down as quickly as possible.
            They don't teach new skills, and they are a small part of the plan.

            ## Three kinds of proactive strategy

            1. **Change the situation.** Adjust what tends to set things off: a quieter space, a
               visual timetable, a warning before changes, shorter waits, fewer demands at hard
               times of day.
            2. **Teach a skill that meets the same need.** If your child hits out to get a
               break, teach a quick way to ask for one (a card, a sign, a word) and **say yes to
               it every time** at first.
            3. **Notice and reward what goes well.** Praise, a favourite activity or your time,
               given straight after the things you'd like to see more of.

            When you know the reason behind a behaviour, you can choose strategies that meet
            that need. That is why the detective work from the last session matters.
            """,
        ),
        _section(
            "The timetable on the fridge",
            SectionKind.LIVED_EXPERIENCE_STORY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            Leo finds change really hard. For years, getting him out of the house was a battle,
            because he never knew where we were going or when we'd be back.

            Our speech and language therapist helped us make a simple picture timetable: photos
            of the car, school, the park, home, bath and bed. We stuck it on the fridge, with a
            "finished" envelope for each picture once it was done.

            > "The first week, he moved the pictures round himself to put the park before
            > school. I laughed so much. He was telling me exactly what he wanted, and he'd never
            > been able to do that before."

            We didn't always do the park first. But now he could see it was coming, and he could
            ask for it. The battles at the front door got fewer, and shorter.
            """,
        ),
        _section(
            "Ideas to try at home",
            SectionKind.HANDOUT_TEXT,
            SAM,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.PROFESSIONAL_PRACTICE),
            """
            Pick one or two ideas, not all of them. Try each one for at least two weeks before
            deciding whether it helps.

            **Before things get hard**

            - Use pictures, objects or a timetable to show what's happening next.
            - Give a warning before a change: "Two more minutes, then shoes." A sand timer can
              help.
            - Offer choices: "Red cup or blue cup?" "Swings or slide first?"
            - Keep requests short and clear, and ask for less at tired times of day.
            - Plan for the hard bits you know are coming: a snack after school, a quiet corner at
              family parties.

            **Teaching and noticing**

            - Teach one simple way to ask for a break or for help, and say yes to it quickly at
              first.
            - Catch your child doing well and say so, straight away and specifically.
            - Build in time every day doing something your child loves, with you, that doesn't
              have to be earned.

            **For you**

            - Write down what you tried and what happened. It's your evidence.
            - It's fine to ask your team to help you adapt an idea that doesn't fit your family.
            """,
        ),
        _section(
            "Green, amber, red",
            SectionKind.ACTIVITY,
            ANITA,
            (SourceTag.PROFESSIONAL_PRACTICE,),
            """
            **Time:** 20 minutes.

            Most children show signs that they are becoming distressed well before a behaviour
            that challenges. Spotting these early gives you the best chance to help.

            Draw three boxes on your sheet and fill them in for your child:

            - **Green (calm and settled):** what does your child look and sound like? What
              helps them stay here?
            - **Amber (becoming anxious or upset):** what are the early signs? Pacing, humming,
              going quiet, asking the same question, covering their ears? What helps now?
              Often: fewer words, fewer demands, more space, a favourite object, offering a
              break.
            - **Red (very distressed):** what happens? What keeps everyone safe? We'll talk more
              about this in the next session.

            Compare with a partner. You'll probably find you already know a lot about your
            child's amber signs. Writing them down means everyone around your child can know
            them too.
            """,
        ),
        _section(
            "Running this session",
            SectionKind.FACILITATOR_NOTES,
            TOM,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.ATTENDEE_FEEDBACK),
            """
            - Start by asking how people got on with their "one small thing" from last time.
              Welcome every attempt, including the ones that didn't work: they tell us
              something too.
            - Keep linking strategies to the reason behind the behaviour. A break card helps a
              child who wants to escape a demand; it will not help a child who is in pain.
            - Some parents worry that rewards are "bribery". Explain the difference: a reward is
              planned in advance, comes after, and builds a skill; a bribe is offered in the
              middle of a hard moment.
            - Encourage families who have a speech and language therapist to involve them in
              any changes to communication.
            - Earlier groups asked for more real examples, so the family-carer trainer leads the
              handout.
            """,
            audience=SectionAudience.FACILITATORS,
        ),
    ),
}

MODULE_STAYING_SAFE = {
    "title": "Staying safe in difficult moments",
    "author": ANITA,
    "planned_minutes": 45,
    "learning_outcomes": _outcomes(
        "Know that reactive strategies are for safety, not for teaching or punishment",
        "Use low-arousal approaches to help your child calm down",
        "Understand that restrictive practices are a last resort, planned, recorded and reviewed",
        "Know how to look after everyone after an incident, and where to get help",
    ),
    "sections": (
        _section(
            "Key messages",
            SectionKind.KEY_MESSAGES,
            ANITA,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.NATIONAL_CHARITY),
            """
            - In a hard moment the aim is safety and calm, not winning or teaching a lesson.
            - Less is more: fewer words, fewer people, more space, a calm voice.
            - Restrictive practices, such as holding a child, locking doors or giving extra
              medicine to calm them, should never be the first or the usual response. If one is
              ever needed, it belongs in a plan agreed with you and your team, used for the
              shortest time possible, recorded, and reviewed so it is needed less over time.
            - Afterwards everyone needs time to recover, including you.
            - You do not have to manage this alone. Ask your team for help early.
            """,
        ),
        _section(
            "Low-arousal approaches: what helps in the moment",
            SectionKind.EXPLANATION,
            TOM,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.RESEARCH_EVIDENCE),
            """
            When a child is very distressed, they cannot take in reasons, instructions or
            consequences. What helps is lowering the pressure, for them and for the people
            around them.

            ## Things that often help

            - **Step back** and give space, if it is safe to do so. Move other children, and
              anything breakable or dangerous, away rather than moving your child.
            - **Say less.** Use a few calm, simple words, or none at all. Keep your voice low
              and slow.
            - **Drop demands** for now. The task can wait.
            - **Mind your body.** Stand side-on, keep your hands relaxed and visible, and avoid
              staring.
            - **Offer, don't insist.** A favourite thing, the quiet space, a drink, once things
              start to settle.
            - **Wait.** Calming down takes longer than we'd like. Don't rush back to the task.

            ## What to avoid

            - Shouting, arguing or threats.
            - Punishments, or taking away things your child needs to feel safe.
            - Crowding: too many adults trying to help at once.

            Every child is different, and your child's plan should say what works for them. If
            holding or any other restriction has ever been needed to keep your child or others
            safe, talk to your team about it. It should be in a written plan agreed with you,
            and reviewed to find ways to make it less needed.
            """,
        ),
        _section(
            "The night I rang for help",
            SectionKind.LIVED_EXPERIENCE_STORY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            This is hard to tell, so please look after yourselves while you listen.

            When Leo was twelve he became very distressed one evening. I still don't know
            exactly why. He was bigger than me by then. I tried to hold him to stop him hitting
            his head, and he bit my arm badly. My daughter rang 999.

            The people who came were kind. But afterwards I felt like the worst mother in the
            world, and I was frightened of my own son for weeks. I didn't tell our team, because
            I thought they would take him away.

            > "When I finally told our nurse, the first thing she said was, 'Are you OK?' Not
            > 'What did you do wrong?' I'll never forget that."

            Together we wrote down what had happened before, and we made a plan for those
            evenings: his early signs, when to step back, where I go, and who I ring. We haven't
            needed 999 since. I still have hard evenings, but I'm not on my own with them.

            If something like this has happened to you, **please tell someone on your team.**
            You are not failing. You need support, and so does your child.
            """,
            content_note=(
                "Describes a frightening incident at home, a parent being hurt, "
                "and a call to emergency services."
            ),
        ),
        _section(
            "After the storm",
            SectionKind.ACTIVITY,
            SAM,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.PROFESSIONAL_PRACTICE),
            """
            **Time:** 15 minutes, on your own. You don't have to share this.

            After a hard moment it helps to pause before going back to normal. Think about the
            last time things became very difficult, and jot down:

            1. **Is everyone OK?** Any injuries to your child, to you, to brothers and sisters?
            2. **What happened just before?** Any clues from the day: sleep, pain, changes?
            3. **What helped, even a little?**
            4. **What would I try earlier next time?** Think about the amber signs.
            5. **Who do I need to tell?** Your team, the school, a friend.

            Be as kind to yourself as you would be to another parent. Then, when your child is
            calm, reconnect: a favourite activity together, no questions and no lecture. Your
            relationship is what helps most in the long run.
            """,
        ),
        _section(
            "Restrictive practice, medication and safeguarding",
            SectionKind.FACILITATOR_NOTES,
            HELEN,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.NATIONAL_CHARITY),
            """
            - Do **not** teach or demonstrate physical holds in this workshop. If a family tells
              you they are holding or restraining their child, listen without judgement and
              arrange a follow-up: any restrictive practice must be assessed and planned with
              the team.
            - Be ready for disclosures. Parents may describe injuries to themselves, to brothers
              and sisters or to the child. Follow the service's safeguarding procedure, tell the
              family what you will do, and offer support.
            - Some children are prescribed medicine for their behaviour. Don't advise on it;
              encourage families to ask for a review, and mention STOMP and STAMP (see the
              references in the last session).
            - The story in this session belongs to the family carer who wrote it. They choose on
              the day whether to read it; if they'd rather not, use the printed version.
            - Leave ten minutes at the end for calm: a round of "one thing I'm taking away", and
              tea.
            """,
            audience=SectionAudience.FACILITATORS,
        ),
    ),
}

MODULE_LOOKING_AFTER_YOURSELF = {
    "title": "Looking after yourself",
    "author": JOSIE,
    "planned_minutes": 40,
    "learning_outcomes": _outcomes(
        "Recognise signs of stress and exhaustion in yourself",
        "Know your right to a parent carer's needs assessment and to short breaks",
        "Find support from other families and from national charities",
        "Make a small, realistic plan to look after yourself",
    ),
    "sections": (
        _section(
            "Nobody asked how I was",
            SectionKind.LIVED_EXPERIENCE_STORY,
            SAM,
            (SourceTag.LIVED_EXPERIENCE,),
            """
            For years every appointment was about our son. That was right, but nobody ever asked
            how I was, and I never said.

            I wasn't sleeping. I'd stopped seeing friends because it was easier than explaining.
            I snapped at my daughters. One day in the supermarket car park I just sat in the car
            and couldn't make myself go in or drive home.

            > "I thought looking after myself was selfish. Now I know it's part of looking after
            > him. He needs me well, not perfect."

            My GP helped, and so did a parents' group run by a local charity. Meeting people who
            just *got it*, who didn't flinch at anything I said, was the biggest relief. I also
            asked for a carer's assessment, which got us a few hours of short breaks a month. It
            doesn't sound like much. It is a lot.
            """,
            content_note="Mentions low mood and feeling unable to cope.",
        ),
        _section(
            "Support you are entitled to",
            SectionKind.EXPLANATION,
            HELEN,
            (SourceTag.PROFESSIONAL_PRACTICE, SourceTag.NATIONAL_CHARITY),
            """
            Caring for a child whose behaviour challenges is skilled, tiring and often lonely
            work. You have a right to support in your own right, not only as your child's
            parent.

            In England:

            - **A parent carer's needs assessment.** Ask your council's children's services. It
              looks at your needs and your wellbeing, including whether you can work, rest and
              have a life of your own.
            - **Short breaks.** Councils must offer a range of short breaks for disabled
              children and their families, from after-school clubs to overnight stays. Your
              council's *Local Offer* website says what is available.
            - **Money.** Your child may be entitled to Disability Living Allowance, and you may
              be able to claim Carer's Allowance. Charities such as Contact can help you check.
            - **Your own health.** Tell your GP that you are a carer. Many practices keep a
              carers' register and can offer health checks, flexible appointments or a referral
              for talking therapy.

            Arrangements differ in Wales, Scotland and Northern Ireland; ask your team or a
            carers' organisation where you live.

            If you're not sure where to start, tell us today. We'll help you make the first call.
            """,
        ),
        _section(
            "Filling my own cup",
            SectionKind.ACTIVITY,
            JOSIE,
            (SourceTag.LIVED_EXPERIENCE, SourceTag.ATTENDEE_FEEDBACK),
            """
            **Time:** 15 minutes.

            1. Draw a cup. Inside it, write the things that fill you up, however small: a cup of
               tea in the garden, a walk, a phone call with a friend, a favourite programme, a
               bath.
            2. Around the outside, write the things that drain it.
            3. Choose **one** thing from inside the cup that you will make room for this week.
               Write down when, and who could help make it happen.
            4. If you'd like to, swap plans with someone in the group and check in with each
               other next week.

            Families in earlier groups said this felt uncomfortable at first ("I don't have time
            for me") and then turned out to be the part they remembered most.
            """,
        ),
        _section(
            "Where to find out more",
            SectionKind.REFERENCES,
            TOM,
            (SourceTag.NATIONAL_CHARITY, SourceTag.RESEARCH_EVIDENCE),
            """
            **Support for families**

            - The Challenging Behaviour Foundation: information, a family support service and
              peer support for families of people with severe learning disabilities whose
              behaviour challenges. <https://www.challengingbehaviour.org.uk/>
            - Mencap: information and advice for people with a learning disability and their
              families. <https://www.mencap.org.uk/>
            - Contact: for families with disabled children, including help with benefits.
              <https://contact.org.uk/>
            - Carers UK: advice and support for all carers. <https://www.carersuk.org/>
            - Sibs: for brothers and sisters of disabled children and adults.
              <https://www.sibs.org.uk/>

            **Guidance and good practice**

            - NICE guideline NG11, *Challenging behaviour and learning disabilities: prevention
              and interventions for people with learning disabilities whose behaviour
              challenges*. <https://www.nice.org.uk/guidance/ng11>
            - NICE guideline NG93, *Learning disabilities and behaviour that challenges:
              service design and delivery*. <https://www.nice.org.uk/guidance/ng93>
            - STOMP and STAMP (NHS England): stopping over-medication of people with a learning
              disability, autism or both, and supporting appropriate medication for children.
              <https://www.england.nhs.uk/learning-disabilities/improving-health/stomp/>
            - The PBS Academy: free resources about Positive Behaviour Support.
              <https://pbsacademy.org.uk/>
            """,
        ),
    ),
}

STARTER_WORKSHOP = {
    "organisation": RIVERSIDE,
    "title": "PBS introductory workshop for family carers",
    "author": HELEN,
    # The first modules are already signed off by a family carer and a professional, so a new
    # user can print a pack at once; the others are still drafts.
    "agreed_modules": 3,
    "review": {"opened_by": TOM, "approvals": (SAM, ANITA)},
    # The evaluation starts from the starter questions (a family carer starts it, a professional
    # rewrites one) and is signed off by both perspectives like a module.
    "evaluation": {
        "started_by": SAM,
        "rewrite": {
            "title": "Useful",
            "body": "How useful was the workshop for you and your family? 1 is not useful, 5 is "
            "very useful.",
            "by": ANITA,
        },
    },
    # The next module is in review: the professional has approved it and commented, so the demo
    # family carer finds a decision waiting for them on their home page.
    "waiting_review": {
        "opened_by": TOM,
        "reviewers": (SAM, ANITA),
        "approved_by": ANITA,
        "comment": "Could we add one example from home here? It would help parents picture it.",
    },
    # One run finished (six Tuesday evenings, the register kept) and one coming up. The
    # attendees are made up: initials only, as a real team would keep them.
    "deliveries": (
        {
            "title": "Spring run, weekly evenings (made-up example)",
            "place": "Riverside Family Centre, Room 2",
            "first_session_in_days": -70,
            "sessions": 6,
            "team": (SAM, TOM),
            # Made-up answers, before and after, paired by made-up codes: by question title,
            # one value per attendee. Enough of them (5 or more) for the results to show.
            "answers": {
                "codes": (
                    "demo-blue1",
                    "demo-red2",
                    "demo-green3",
                    "demo-star4",
                    "demo-sun5",
                    "demo-moon6",
                ),
                "before": {
                    "Confidence": (2, 2, 3, 1, 2, 3),
                    "Understanding behaviour": (2, 3, 2, 2, 1, 3),
                    "Knowing what to try": (1, 2, 2, 1, 2, 2),
                },
                "after": {
                    "Confidence": (4, 3, 4, 3, 4, 4),
                    "Understanding behaviour": (4, 4, 3, 4, 3, 5),
                    "Knowing what to try": (3, 4, 3, 3, 4, 4),
                    "Useful": (5, 4, 5, 4, 5, 5),
                    "Respected": ("yes", "yes", "yes", "yes", "yes", "yes"),
                    "Would recommend": ("yes", "yes", "yes", "no", "yes", "yes"),
                    "What to change": (
                        "(Made-up answer) The behaviour diary sheet was hard to fill in at home.",
                        "(Made-up answer) More time to talk with the other parents, please.",
                        "(Made-up answer) Could the handouts come in large print?",
                        "(Made-up answer) The diary needs bigger boxes; I could not fit it all.",
                        "",
                        "(Made-up answer) Hearing Sam's story made me feel less alone.",
                    ),
                },
            },
            # What the team agreed after reading the results together: it waits in the
            # module's next review round.
            "actions": (
                {
                    "module": "Why behaviours happen",
                    "text": "Two people found the behaviour diary hard to use at home: make the "
                    "sheet simpler, with bigger boxes (made-up example).",
                    "by": SAM,
                },
                {
                    "module": "Looking after yourself",
                    "text": "Several people asked for more time to talk with other parents: "
                    "add a break for that to the last session (made-up example).",
                    "by": ANITA,
                },
            ),
            "attendees": (
                {"name": "A. B.", "needs_large_print": True},
                {"name": "C. D."},
                {"name": "E. F.", "needs_interpreter": True, "other_needs": "Urdu"},
                {"name": "G. H."},
                {"name": "J. K.", "needs_easy_read": True},
                {"name": "L. M."},
            ),
        },
        {
            "title": "Autumn run, online (made-up example)",
            "place": "Online: the joining link is sent the week before",
            "is_online": True,
            "first_session_in_days": 14,
            "sessions": 6,
            "team": (JOSIE, ANITA),
            "attendees": ({"name": "N. P.", "may_contact": True},),
        },
    ),
    "audience": (
        "Parents and other family carers of children and young people (up to 18) with a "
        "learning (intellectual) disability whose behaviour challenges."
    ),
    "description": (
        "Six sessions written together by family carers and professionals at Riverside. "
        "They introduce Positive Behaviour Support: why behaviours happen, putting quality of "
        "life first, preventing hard moments, staying safe when they happen, and looking after "
        "yourself. Run as six weekly evening sessions or over two days."
    ),
    "modules": (
        MODULE_WHAT_PBS_IS,
        MODULE_WHY_BEHAVIOURS_HAPPEN,
        MODULE_QUALITY_OF_LIFE,
        MODULE_PROACTIVE_STRATEGIES,
        MODULE_STAYING_SAFE,
        MODULE_LOOKING_AFTER_YOURSELF,
    ),
}

# --- Hillside: a small workshop of its own, to show that organisations are kept apart ---------

HILLSIDE_WORKSHOP = {
    "organisation": HILLSIDE,
    "title": "Sleep and settling: a short workshop for family carers",
    "author": MAGGIE,
    "agreed_modules": 0,
    "audience": "Family carers of disabled children for whom sleep is hard.",
    "description": (
        "Two short sessions by the family carers of Hillside, about why sleep can be hard and "
        "how a calmer bedtime can help."
    ),
    "modules": (
        {
            "title": "Why sleep can be hard",
            "author": MAGGIE,
            "planned_minutes": 30,
            "learning_outcomes": _outcomes(
                "Name common reasons why children with a learning disability sleep poorly",
                "Know when to ask the GP to check for health causes",
            ),
            "sections": (
                _section(
                    "Common reasons for poor sleep",
                    SectionKind.EXPLANATION,
                    MAGGIE,
                    (SourceTag.LIVED_EXPERIENCE, SourceTag.NATIONAL_CHARITY),
                    """
                    Many children with a learning disability sleep poorly, and so do their
                    parents. It is one of the most common worries families bring to us.

                    Sleep can be hard because of:

                    - **Health:** pain, reflux, constipation, epilepsy, breathing problems or
                      eczema.
                    - **Medicines:** some have side effects that affect sleep. Ask your GP or
                      pharmacist.
                    - **Senses:** light, noise, the feel of pyjamas or bedding.
                    - **Worry** about the next day, or about being apart from you.
                    - **Routines** that change from night to night.

                    Poor sleep makes the daytime harder too, for everyone. That's why we start
                    here.
                    """,
                ),
                _section(
                    "Three hours a night",
                    SectionKind.LIVED_EXPERIENCE_STORY,
                    KIRAN,
                    (SourceTag.LIVED_EXPERIENCE,),
                    """
                    For most of my daughter's first eight years I got about three hours' sleep
                    a night. She'd wake at two and be up for the day.

                    > "People said 'sleep when she sleeps'. She didn't sleep, so I didn't
                    > either."

                    What helped in the end was a sleep diary, a visit to the GP about her
                    reflux, and a very boring bedtime routine that never changed. It took
                    months, not days. But we both sleep now, most nights.
                    """,
                ),
            ),
        },
        {
            "title": "A calmer bedtime",
            "author": KIRAN,
            "planned_minutes": 30,
            "learning_outcomes": _outcomes(
                "Plan a short bedtime routine that is the same every night",
                "Keep a two-week sleep diary to share with your GP",
            ),
            "sections": (
                _section(
                    "Planning our bedtime routine",
                    SectionKind.ACTIVITY,
                    KIRAN,
                    (SourceTag.LIVED_EXPERIENCE,),
                    """
                    **Time:** 15 minutes.

                    Write down what happens in your house from teatime to lights out. Then look
                    for:

                    - one thing that winds your child up, which could move earlier in the
                      evening;
                    - one calming thing that could happen every night, in the same order;
                    - one way to show your child what comes next, such as pictures or objects.

                    Keep the new routine short, about half an hour, and the same every night,
                    weekends included.
                    """,
                ),
                _section(
                    "A sleep diary",
                    SectionKind.HANDOUT_TEXT,
                    MAGGIE,
                    (SourceTag.LIVED_EXPERIENCE, SourceTag.NATIONAL_CHARITY),
                    """
                    Fill this in every morning for two weeks, then take it to your GP.

                    | Night | In bed | Asleep | Woke in the night | Up for the day | Notes |
                    |---|---|---|---|---|---|
                    | Mon | | | | | |
                    | Tue | | | | | |
                    | Wed | | | | | |
                    | Thu | | | | | |
                    | Fri | | | | | |
                    | Sat | | | | | |
                    | Sun | | | | | |

                    Under **Notes**, write anything different: illness, a late nap, a busy day,
                    a change of medicine.
                    """,
                ),
            ),
        },
    ),
}

WORKSHOPS = (STARTER_WORKSHOP, HILLSIDE_WORKSHOP)

# Fair pay at Riverside: the rate card from the start of the financial year, Sam's time this
# month (one session's pay donated, one's taken), a mileage claim and the year's funding pot.
# Amounts in pence; "day" 0 is the first of this month, "today" is the day the seed runs.
FAIR_PAY = {
    "organisation": RIVERSIDE,
    "lead": HELEN,
    "rates": (
        {"activity": "", "unit": RateUnit.HOUR, "amount_pence": 2500},
        {"activity": TimeActivity.DELIVERY, "unit": RateUnit.HALF_DAY, "amount_pence": 9000},
    ),
    "time": (
        {
            "by": SAM,
            "day": "first",
            "minutes": 120,
            "activity": TimeActivity.PREPARATION,
            "choice": Payment.DONATED,
        },
        {
            "by": SAM,
            "day": "today",
            "minutes": 180,
            "activity": TimeActivity.DELIVERY,
            "choice": Payment.PAID,
        },
    ),
    "expenses": (
        {
            "by": SAM,
            "day": "today",
            "kind": ExpenseKind.MILEAGE,
            "miles": "14.0",
            "receipt_note": "No receipt for mileage: home to Riverside Centre and back.",
        },
    ),
    "pot": {"name": "Involvement payments fund", "amount_pence": 500000},
}
