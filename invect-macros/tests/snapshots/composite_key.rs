pub struct FlowVersion {
    pub flow_id : Uuid ,
    pub version : i32 ,
    pub label : String ,
    pub runs : i64 ,
    pub data : Json < serde_json :: Value > ,
}
# [doc = "Typed column handles of `flow_versions`."] # [allow (non_upper_case_globals , unused_imports)] pub mod flow_versions {
    use super :: * ;
    # [doc (hidden)] pub const __COLUMNS : & 'static [:: invect_runtime :: __private :: invect_schema :: ColumnDef] = & [:: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("flow_id") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Uuid ,
        nullable : false ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("version") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Number ,
        nullable : false ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("label") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Text ,
        nullable : false ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("runs") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: BigInt ,
        nullable : false ,
        default : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: DefaultValue :: Int (0i64)) ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("data") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Json ,
        nullable : false ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    }] ;
    # [doc (hidden)] pub static __TABLE : :: invect_runtime :: __private :: invect_schema :: TableDef = :: invect_runtime :: __private :: invect_schema :: TableDef {
        name : :: std :: borrow :: Cow :: Borrowed ("flow_versions") ,
        columns : :: std :: borrow :: Cow :: Borrowed (__COLUMNS) ,
        primary_key : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("flow_id") , :: std :: borrow :: Cow :: Borrowed ("version")]) ,
        indexes : :: std :: borrow :: Cow :: Borrowed (& [:: invect_runtime :: __private :: invect_schema :: IndexDef {
            columns : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("flow_id") , :: std :: borrow :: Cow :: Borrowed ("label")]) ,
            unique : true
        }]) ,
        order : 1000i32 ,
        renamed_from : :: core :: option :: Option :: None ,
    } ;
    # [doc = "Column `flow_id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct flow_id ;
    impl :: invect_runtime :: Column for flow_id {
        type Table = FlowVersion ;
        type Value = Uuid ;
        type Param = Uuid ;
        const NAME : & 'static str = "flow_id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [0usize] ;
    }
    # [doc = "Column `version`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct version ;
    impl :: invect_runtime :: Column for version {
        type Table = FlowVersion ;
        type Value = i32 ;
        type Param = i32 ;
        const NAME : & 'static str = "version" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [1usize] ;
    }
    # [doc = "Column `label`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct label ;
    impl :: invect_runtime :: Column for label {
        type Table = FlowVersion ;
        type Value = String ;
        type Param = String ;
        const NAME : & 'static str = "label" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [2usize] ;
    }
    # [doc = "Column `runs`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct runs ;
    impl :: invect_runtime :: Column for runs {
        type Table = FlowVersion ;
        type Value = i64 ;
        type Param = i64 ;
        const NAME : & 'static str = "runs" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [3usize] ;
    }
    # [doc = "Column `data`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct data ;
    impl :: invect_runtime :: Column for data {
        type Table = FlowVersion ;
        type Value = Json < serde_json :: Value > ;
        type Param = Json < serde_json :: Value > ;
        const NAME : & 'static str = "data" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [4usize] ;
    }
}
# [doc = "A new row of `flow_versions` for `insert`; defaulted columns may be left `None`."] # [derive (Debug , Clone)] pub struct NewFlowVersion {
    # [doc = ""] pub flow_id : Uuid ,
    # [doc = ""] pub version : i32 ,
    # [doc = ""] pub label : String ,
    # [doc = "`None` uses the column's default."] pub runs : :: core :: option :: Option < i64 > ,
    # [doc = ""] pub data : Json < serde_json :: Value > ,
}
impl :: invect_runtime :: Table for FlowVersion {
    type New = NewFlowVersion ;
    type Key = (Uuid , i32 ,) ;
    const NAME : & 'static str = "flow_versions" ;
    const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: TableDef = & flow_versions :: __TABLE ;
    # [inline] fn prepare_new (new : & mut NewFlowVersion , d : & dyn :: invect_runtime :: __private :: invect_schema :: Dialect) {
    }
    # [inline] fn bind_new (new : & NewFlowVersion , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        let columns = & < Self as :: invect_runtime :: Table > :: DEF . columns ;
        args . push_column (& new . flow_id , & columns [0usize]) ? ;
        args . push_column (& new . version , & columns [1usize]) ? ;
        args . push_column (& new . label , & columns [2usize]) ? ;
        args . push_column (& new . runs , & columns [3usize]) ? ;
        args . push_column (& new . data , & columns [4usize]) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn new_key (new : & NewFlowVersion) -> :: core :: option :: Option < Self :: Key > {
        :: core :: option :: Option :: Some ((new . flow_id . clone () , new . version . clone () ,))
    }
    # [inline] fn bind_key (key : & Self :: Key , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        args . push (& key . 0) ? ;
        args . push (& key . 1) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn bind_new_column (new : & NewFlowVersion , column : usize , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        match column {
            0usize => args . push (& new . flow_id) ,
            1usize => args . push (& new . version) ,
            2usize => args . push (& new . label) ,
            3usize => args . push (& new . runs) ,
            4usize => args . push (& new . data) ,
            _ => :: core :: result :: Result :: Ok (()) ,
        }
    }
    # [inline] fn key (& self) -> Self :: Key {
        (:: core :: clone :: Clone :: clone (& self . flow_id) , :: core :: clone :: Clone :: clone (& self . version) ,)
    }
    # [inline] fn bind_update (& self , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        let columns = & < Self as :: invect_runtime :: Table > :: DEF . columns ;
        args . push_column (& self . label , & columns [2usize]) ? ;
        args . push_column (& self . runs , & columns [3usize]) ? ;
        args . push_column (& self . data , & columns [4usize]) ? ;
        args . push (& self . flow_id) ? ;
        args . push (& self . version) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn decode (row : :: invect_runtime :: RowRef < '_ >) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: result :: Result :: Ok (Self {
            flow_id : row . get (0usize) ? ,
            version : row . get (1usize) ? ,
            label : row . get (2usize) ? ,
            runs : row . get (3usize) ? ,
            data : row . get (4usize) ? ,
        })
    }
    # [inline] fn from_insert (new : NewFlowVersion , generated : :: core :: option :: Option < :: invect_runtime :: RowRef < '_ >>) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        let generated = generated . ok_or (:: invect_runtime :: __private :: SqlxError :: RowNotFound) ? ;
        :: core :: result :: Result :: Ok (Self {
            flow_id : :: invect_runtime :: value :: CheckValue :: into_stored (new . flow_id) ,
            version : :: invect_runtime :: value :: CheckValue :: into_stored (new . version) ,
            label : :: invect_runtime :: value :: CheckValue :: into_stored (new . label) ,
            runs : generated . get (0usize) ? ,
            data : :: invect_runtime :: value :: CheckValue :: into_stored (new . data) ,
        })
    }
}
