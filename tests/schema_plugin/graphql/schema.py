import graphene


class Query(graphene.ObjectType):
    schema_plugin_echo = graphene.String(
        text=graphene.String(required=True),
        description="Echo a text back; contributed by a test plugin.",
    )

    @staticmethod
    def resolve_schema_plugin_echo(_root, _info, text):
        return text
