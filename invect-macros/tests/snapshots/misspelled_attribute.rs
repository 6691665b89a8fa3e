pub struct Thing {
    pub id : i64 ,
    pub name : String ,
}
:: core :: compile_error ! {
    "unknown attribute `max_lenght`; expected one of `primary_key`, `unique`, `index`, `default`, `references`, `on_delete`, `max_length`, `text`, `rename`, `enum`, `renamed_from`"
}
# [doc = "Typed column handles of `things`."] # [allow (non_upper_case_globals , unused_imports)] pub mod things {
    use super :: * ;
    # [doc = "Column `id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct id ;
    impl :: invect_runtime :: Column for id {
        type Table = Thing ;
        type Value = i64 ;
        type Param = i64 ;
        const NAME : & 'static str = "id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & :: invect_runtime :: __private :: invect_schema :: ColumnDef :: new ("id" , :: invect_runtime :: __private :: invect_schema :: ColumnType :: Text) ;
    }
    # [doc = "Column `name`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct name ;
    impl :: invect_runtime :: Column for name {
        type Table = Thing ;
        type Value = String ;
        type Param = String ;
        const NAME : & 'static str = "name" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & :: invect_runtime :: __private :: invect_schema :: ColumnDef :: new ("name" , :: invect_runtime :: __private :: invect_schema :: ColumnType :: Text) ;
    }
}
# [doc = "A new row of `things` for `insert`; defaulted columns may be left `None`."] # [derive (Debug , Clone , Default)] pub struct NewThing {
    # [doc = ""] pub id : i64 ,
    # [doc = ""] pub name : String ,
}
impl :: invect_runtime :: Table for Thing {
    type New = NewThing ;
    type Key = i64 ;
    const NAME : & 'static str = "things" ;
    const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: TableDef = & :: invect_runtime :: __private :: invect_schema :: TableDef {
        name : :: std :: borrow :: Cow :: Borrowed ("things") ,
        columns : :: std :: borrow :: Cow :: Borrowed (& []) ,
        primary_key : :: std :: borrow :: Cow :: Borrowed (& []) ,
        indexes : :: std :: borrow :: Cow :: Borrowed (& []) ,
        order : 0 ,
        renamed_from : :: core :: option :: Option :: None ,
    } ;
    fn prepare_new (_ : & mut NewThing , _ : & dyn :: invect_runtime :: __private :: invect_schema :: Dialect) {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_new (_ : & NewThing , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn new_key (_ : & NewThing) -> :: core :: option :: Option < Self :: Key > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_key (_ : & Self :: Key , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_new_column (_ : & NewThing , _ : usize , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn key (& self) -> Self :: Key {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_update (& self , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn decode (_ : :: invect_runtime :: RowRef < '_ >) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn from_insert (_ : NewThing , _ : :: core :: option :: Option < :: invect_runtime :: RowRef < '_ >>) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
}
